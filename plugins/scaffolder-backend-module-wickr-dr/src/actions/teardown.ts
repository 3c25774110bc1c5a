import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EFSClient } from '@aws-sdk/client-efs';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DEPLOYED_TOPIC,
  DeployedEvent,
  deploymentDeletePermission,
  DeploymentTarget,
  retainedResourceLines,
  RetainedResources,
  retainedResources,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  awsErrorLine,
  deleteBucket,
  deleteFileSystem,
  deleteLogGroup,
  deleteSecretWithRecovery,
  denyNewWrites,
  describeStack,
  emptyBucket,
  scheduleKeyDeletion,
  stackOutputs,
  stackResources,
  stopAccessLogging,
  WickrAdminClient,
  WickrNotFoundError,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DayTwoActionOptions, dayTwoDeployer, initiator } from './dayTwo';
import { recorded } from './operationRecorder';
import { examples } from './teardown.examples';
import { holdingStack } from '../deploy/stackLocks';

export const TEARDOWN_ACTION_ID = 'wickr-dr:deployment:teardown';

export interface TeardownActionOptions extends DayTwoActionOptions {
  events: EventsService;
  wickrClient?: (target: { accountId?: string; region: string }) => Promise<WickrAdminClient>;
}

/**
 * Tears a deployment down. "Keep the data" (the default): data retention off in the
 * bot's Wickr network, the bot stopped, the stack deleted, and what CloudFormation
 * retains listed with its console pages. "Delete everything" then, in this order: new
 * writes stopped, both versioned buckets emptied (every version and delete marker) and
 * deleted, the access-log bucket last; the retained log groups, the file system, the
 * secret (with a recovery window) deleted; the KMS keys scheduled for deletion; and,
 * if asked, the data-retention bot deleted. Confirmed by typing the deployment's name.
 */
export function createTeardownAction(options: TeardownActionOptions) {
  return createTemplateAction({
    id: TEARDOWN_ACTION_ID,
    description: 'Tears down a Wickr data-retention deployment: keeps its data, or deletes everything, confirmed by its typed name.',
    examples,
    schema: {
      input: {
        deployment: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment.' }),
        confirmName: (z: typeof zod) => z.string({ description: "The deployment's name, typed by the user to confirm." }),
        mode: (z: typeof zod) =>
          z.enum(['keep-data', 'delete-everything'], { description: 'keep-data (default) leaves the buckets, logs, file system, secret and keys; delete-everything removes them.' }).optional(),
        deleteBot: (z: typeof zod) =>
          z.boolean({ description: 'With delete-everything: also delete the data-retention bot of the Wickr network. Default: false.' }).optional(),
        secretRecoveryDays: (z: typeof zod) =>
          z.number({ description: 'Days the deleted secret can be restored (7 to 30). Default: 30.' }).int().min(7).max(30).optional(),
        keyPendingDays: (z: typeof zod) =>
          z.number({ description: 'Days before the KMS keys are deleted, during which the deletion can be cancelled (7 to 30). Default: 30.' }).int().min(7).max(30).optional(),
      },
      output: {
        remaining: (z: typeof zod) => z.array(z.string(), { description: 'What remains, each with its console page.' }),
        deleted: (z: typeof zod) => z.array(z.string(), { description: 'What was deleted (or scheduled for deletion).' }),
      },
    },
    async handler(ctx) {
      const { mode = 'keep-data', deleteBot = false, secretRecoveryDays = 30, keyPendingDays = 30 } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const { entityRef, target } = await options.access.resolve(credentials, ctx.input.deployment, deploymentDeletePermission);
      if (ctx.input.confirmName !== target.deploymentName) {
        throw new InputError(`confirmName: type the deployment's name, ${target.deploymentName}, to tear it down; nothing was changed`);
      }
      // What the stack retains, read once: a retried task finds the stack gone.
      const retained = (await ctx.checkpoint({ key: 'retained', fn: async () => (await readRetained(options, target)) as any })) as RetainedResources;
      const deleted = await recorded(
        options.recorder,
        entityRef,
        { operation: 'teardown', by: initiator(ctx), taskId: ctx.task.id, detail: mode },
        // The template's only step: the stack is held from the first write to the last, then given up.
        () =>
          holdingStack(
            options.locks,
            ctx,
            target,
            async () => {
              await turnRetentionOff(ctx, options, target);
              const deployer = await dayTwoDeployer(ctx, options, target);
              if (await stackExists(options, target)) {
                await ctx.checkpoint({ key: 'stop-bot', fn: async () => void (await deployer.setBotRunning(target.stackName, target.deploymentName, false)) });
              }
              await deployer.tearDown(target.stackName, target.deploymentName);
              return mode === 'delete-everything' ? deleteRetained(ctx, options, target, retained, { deleteBot, secretRecoveryDays, keyPendingDays }) : [];
            },
            { release: true },
          ),
        done => `${mode}: ${done.length} retained resources removed`,
      );
      const left = mode === 'delete-everything' ? [] : retainedResourceLines(retained, target.region);
      if (left.length) {
        ctx.logger.info('The stack is deleted; these remain, with their data:');
        left.forEach(line => ctx.logger.info(`  ${line}`));
      }
      const event: DeployedEvent = { accountId: target.accountId, region: target.region, stackName: target.stackName };
      await options.events.publish({ topic: DEPLOYED_TOPIC, eventPayload: event });
      ctx.output('remaining', left);
      ctx.output('deleted', deleted);
    },
  });
}

async function readRetained(options: TeardownActionOptions, target: DeploymentTarget): Promise<RetainedResources> {
  const cloudformation = await options.awsClients.get(CloudFormationClient, target);
  const read = async () => {
    const stack = await describeStack(cloudformation, target.stackArn);
    return stack ? retainedResources(await stackResources(cloudformation, target.stackArn), stackOutputs(stack)) : retainedResources({}, {});
  };
  return read().catch(error => {
    throw new Error(`cannot read stack '${target.stackName}' and its resources: ${awsErrorLine(error)}`);
  });
}

async function stackExists(options: TeardownActionOptions, target: DeploymentTarget) {
  return Boolean(await describeStack(await options.awsClients.get(CloudFormationClient, target), target.stackArn));
}

/** Data retention off in the bot's network first, so the bot stops receiving messages it can no longer keep. */
async function turnRetentionOff(ctx: any, options: TeardownActionOptions, target: DeploymentTarget) {
  if (!target.networkId) return;
  const client = await (options.wickrClient ?? (t => WickrAdminClient.create(options.awsClients, t)))(target);
  await ctx.checkpoint({
    key: 'retention-off',
    fn: async () => {
      try {
        await client.updateDataRetention(target.networkId!, 'DISABLE');
        ctx.logger.info(`Turned data retention off in Wickr network ${target.networkId}`);
      } catch (error) {
        if (!(error instanceof WickrNotFoundError)) {
          throw new Error(`could not turn data retention off in Wickr network ${target.networkId}, so nothing was deleted: ${awsErrorLine(error)}`);
        }
        ctx.logger.info(`Wickr network ${target.networkId} has no data-retention bot: nothing to turn off`);
      }
    },
  });
}

async function deleteRetained(
  ctx: any,
  options: TeardownActionOptions,
  target: DeploymentTarget,
  retained: RetainedResources,
  choices: { deleteBot: boolean; secretRecoveryDays: number; keyPendingDays: number },
): Promise<string[]> {
  const deleted: string[] = [];
  // Each step once, even when the task is retried; one already gone is said so, not failed.
  const step = async (key: string, what: string, work: () => Promise<unknown>) => {
    const outcome = await ctx.checkpoint({ key: `delete-${key}`, fn: async () => String((await work()) ?? 'done') });
    const line = outcome === 'absent' ? `${what}: already gone` : what;
    ctx.logger.info(outcome === 'absent' ? line : `Deleted ${what}`);
    deleted.push(line);
  };
  const s3 = await options.awsClients.get(S3Client, target);
  const emptyAndDelete = async (bucket: string) => {
    const emptied = await emptyBucket(s3, bucket, {
      signal: ctx.signal,
      onProgress: n => ctx.logger.info(`  ${bucket}: ${n} versions and delete markers deleted`),
    });
    ctx.logger.info(
      `Emptied bucket ${bucket}: ${emptied.versionsDeleted} versions, ${emptied.deleteMarkersDeleted} delete markers, ${emptied.uploadsAborted} unfinished uploads, in ${emptied.batches.length} batches`,
    );
    return deleteBucket(s3, bucket);
  };
  if (retained.retentionBucket) {
    const bucket = retained.retentionBucket;
    await step('stop-writes', `new writes to bucket ${bucket} (denied by its policy)`, async () => {
      await denyNewWrites(s3, bucket);
      await stopAccessLogging(s3, bucket);
    });
    await step('retention-bucket', `bucket ${bucket} and every version in it`, () => emptyAndDelete(bucket));
  }
  // Access logs arrive late: the access-log bucket goes last.
  if (retained.accessLogBucket) {
    const bucket = retained.accessLogBucket;
    await step('access-log-bucket', `bucket ${bucket} and every version in it`, () => emptyAndDelete(bucket));
  }
  const logs = await options.awsClients.get(CloudWatchLogsClient, target);
  for (const group of retained.logGroups) {
    await step(`log-group-${group}`, `log group ${group}`, () => deleteLogGroup(logs, group));
  }
  if (retained.fileSystemId) {
    const efs = await options.awsClients.get(EFSClient, target);
    await step('file-system', `file system ${retained.fileSystemId}`, () => deleteFileSystem(efs, retained.fileSystemId!));
  }
  if (retained.secretArn) {
    const secrets = await options.awsClients.get(SecretsManagerClient, target);
    await step('secret', `secret ${retained.secretArn} (restorable for ${choices.secretRecoveryDays} days)`, () =>
      deleteSecretWithRecovery(secrets, retained.secretArn!, choices.secretRecoveryDays, target.stackArn),
    );
  }
  const kms = await options.awsClients.get(KMSClient, target);
  for (const key of retained.keys) {
    await step(`key-${key}`, `KMS key ${key} (deleted in ${choices.keyPendingDays} days)`, () => scheduleKeyDeletion(kms, key, choices.keyPendingDays));
  }
  if (choices.deleteBot && target.networkId) {
    const client = await (options.wickrClient ?? (t => WickrAdminClient.create(options.awsClients, t)))(target);
    await step('bot', `the data-retention bot of Wickr network ${target.networkId}`, () => client.deleteDataRetentionBot(target.networkId!));
  }
  return deleted;
}
