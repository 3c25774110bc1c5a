import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEPLOYMENT_TAG } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { couldNot, isAwsError, requireWholeNumber, TeardownError } from './errors';
import { requireWickrDrLogGroup } from './names';

export async function deleteLogGroup(logs: CloudWatchLogsClient, name: string): Promise<'deleted' | 'absent'> {
  requireWickrDrLogGroup(name);
  try {
    await logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
    return 'deleted';
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return 'absent';
    throw couldNot(`delete log group '${name}'`, error);
  }
}

/** The tag CloudFormation puts on what a stack creates; no user can write an aws: tag. */
const STACK_ID_TAG = 'aws:cloudformation:stack-id';

/**
 * Delete the secret with a recovery window (7 to 30 days): it can be restored
 * meanwhile. Only a secret that carries the deployment tag and, when `stackId` is
 * given, that stack's own aws:cloudformation:stack-id tag; one already scheduled for
 * deletion stays as scheduled.
 */
export async function deleteSecretWithRecovery(
  secrets: SecretsManagerClient,
  secretId: string,
  recoveryWindowDays: number,
  stackId?: string,
): Promise<'scheduled' | 'absent'> {
  requireWholeNumber('recoveryWindowDays', recoveryWindowDays, 7, 30);
  let secret;
  try {
    secret = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return 'absent';
    throw couldNot(`read secret '${secretId}'`, error);
  }
  if (!(secret.Tags ?? []).some(tag => tag.Key === DEPLOYMENT_TAG && tag.Value)) {
    throw new TeardownError(`refused to delete secret '${secret.ARN ?? secretId}': it does not carry the ${DEPLOYMENT_TAG} tag of a Wickr data-retention deployment`);
  }
  if (stackId && !(secret.Tags ?? []).some(tag => tag.Key === STACK_ID_TAG && tag.Value === stackId)) {
    throw new TeardownError(`refused to delete secret '${secret.ARN ?? secretId}': its ${STACK_ID_TAG} tag does not name stack ${stackId}`);
  }
  if (secret.DeletedDate) return 'scheduled';
  try {
    await secrets.send(new DeleteSecretCommand({ SecretId: secret.ARN ?? secretId, RecoveryWindowInDays: recoveryWindowDays }));
    return 'scheduled';
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return 'absent';
    throw couldNot(`schedule the deletion of secret '${secret.ARN ?? secretId}'`, error);
  }
}

const PENDING_DELETION = ['PendingDeletion', 'PendingReplicaDeletion'];

/** Schedule a KMS key's deletion (7 to 30 days). 'already' when it is pending deletion. */
export async function scheduleKeyDeletion(kms: KMSClient, keyId: string, pendingWindowDays: number): Promise<'scheduled' | 'already' | 'absent'> {
  requireWholeNumber('pendingWindowDays', pendingWindowDays, 7, 30);
  const state = await keyState(kms, keyId);
  if (state === 'absent') return 'absent';
  if (PENDING_DELETION.includes(state)) return 'already';
  try {
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowDays }));
    return 'scheduled';
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return 'absent';
    // Scheduled by someone else between the two calls.
    if (isAwsError(error, 'KMSInvalidStateException') && PENDING_DELETION.includes(await keyState(kms, keyId))) return 'already';
    throw couldNot(`schedule the deletion of KMS key '${keyId}'`, error);
  }
}

async function keyState(kms: KMSClient, keyId: string): Promise<string> {
  try {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    return KeyMetadata?.KeyState ?? 'unknown';
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return 'absent';
    throw couldNot(`read KMS key '${keyId}'`, error);
  }
}
