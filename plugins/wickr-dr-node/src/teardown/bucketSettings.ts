import { GetBucketPolicyCommand, PutBucketLoggingCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { partitionOfRegion } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { couldNot, isAwsError, TeardownError } from './errors';
import { requireWickrDrBucket } from './names';

export const DENY_WRITES_SID = 'WickrDrTeardownDenyWrites';

interface PolicyDocument {
  Version?: string;
  Statement?: Array<Record<string, unknown>> | Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Stop new writes: a bucket policy statement that denies s3:PutObject to everyone
 * (added to the existing policy, idempotent, Sid `WickrDrTeardownDenyWrites`). It
 * also stops multipart uploads from completing and server access logs from arriving.
 * A bucket that does not exist has nothing to protect.
 */
export async function denyNewWrites(s3: S3Client, bucket: string): Promise<void> {
  requireWickrDrBucket(bucket);
  const policy = await currentPolicy(s3, bucket);
  if (policy === 'absent') return;
  const statements = policy.Statement === undefined ? [] : [policy.Statement].flat();
  if (statements.some(s => s.Sid === DENY_WRITES_SID)) return;
  const partition = partitionOfRegion(await s3.config.region());
  const deny = {
    Sid: DENY_WRITES_SID,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:${partition}:s3:::${bucket}/*`,
  };
  const updated = { ...policy, Version: policy.Version ?? '2012-10-17', Statement: [...statements, deny] };
  try {
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(updated) }));
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return;
    throw couldNot(`add the statement ${DENY_WRITES_SID} to the policy of bucket '${bucket}'`, error);
  }
}

async function currentPolicy(s3: S3Client, bucket: string): Promise<PolicyDocument | 'absent'> {
  try {
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    const parsed = JSON.parse(Policy ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not a JSON object');
    return parsed;
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucketPolicy')) return {};
    if (isAwsError(error, 'NoSuchBucket')) return 'absent';
    if (error instanceof SyntaxError) {
      throw new TeardownError(`the policy of bucket '${bucket}' is not a JSON policy document (${error.message}); left as it is`);
    }
    throw couldNot(`read the policy of bucket '${bucket}'`, error);
  }
}

/**
 * Turn server access logging off on a bucket (so no more logs arrive in the
 * access-log bucket). Logs of requests made before can still arrive later: S3
 * delivers them best effort, often minutes late. A bucket that does not exist logs nothing.
 */
export async function stopAccessLogging(s3: S3Client, bucket: string): Promise<void> {
  requireWickrDrBucket(bucket);
  try {
    await s3.send(new PutBucketLoggingCommand({ Bucket: bucket, BucketLoggingStatus: {} }));
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return;
    throw couldNot(`turn server access logging off on bucket '${bucket}'`, error);
  }
}
