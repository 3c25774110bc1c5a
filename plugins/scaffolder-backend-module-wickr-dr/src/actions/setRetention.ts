import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { botOperatePermission } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, awsErrorLine, WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DeploymentAccess } from './deploymentAccess';
import { changedByTask, deploymentStack } from './deploymentStack';
import { checkTarget } from './deployStack';
import { examples } from './setRetention.examples';
import { targetFields } from './targetSchema';
import { checkNetworkId, dataRetentionBot } from './wickrNetwork';
import { StackLocks, takeStack } from '../deploy/stackLocks';

export const SET_RETENTION_ACTION_ID = 'wickr-dr:bot:set-retention';

export interface SetRetentionActionOptions {
  awsClients: AwsClients;
  access: DeploymentAccess;
  /** Which task may write a stack: a deployment's first step takes it, its last gives it up. */
  locks: StackLocks;
  wickrClient?: (target: { accountId?: string; region: string }) => Promise<WickrAdminClient>;
  clock?: { sleep: (ms: number) => Promise<void> };
}

/**
 * Turns data retention on (or off) for the bot's network through the Wickr admin API,
 * as the admin console's "Data Retention" switch does, and confirms the API reports it.
 * Before turning it on, the bot's public key message is acknowledged when it is not yet
 * (the model documents PUBKEY_MSG_ACK only as "acknowledge the public key message").
 */
export function createSetRetentionAction(options: SetRetentionActionOptions) {
  const wickrClient = options.wickrClient ?? (target => WickrAdminClient.create(options.awsClients, target));
  const sleep = options.clock?.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  return createTemplateAction({
    id: SET_RETENTION_ACTION_ID,
    description: "Turns the Wickr network's data retention on or off through the Wickr admin API and confirms it.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        networkId: (z: typeof zod) => z.string({ description: "The bot's AWS Wickr network (8 digits)." }),
        enabled: (z: typeof zod) => z.boolean({ description: 'Turn data retention on (true) or off (false). Default: true.' }).optional(),
      },
      output: {
        retentionEnabled: (z: typeof zod) => z.boolean({ description: 'Whether the API reports data retention on at the end.' }),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, enabled = true } = ctx.input;
      checkTarget(options.awsClients, stackName, region, accountId);
      const networkId = checkNetworkId(ctx.input.networkId);
      const target = { accountId, region };
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would turn data retention ${enabled ? 'on' : 'off'} for Wickr network ${networkId}`);
        ctx.output('retentionEnabled', false);
        return;
      }
      await takeStack(options.locks, ctx, { stackName, region, accountId });
      const stack = await deploymentStack(await options.awsClients.get(CloudFormationClient, target), stackName);
      if (!changedByTask(stack, ctx.task.id)) {
        await options.access.authorizeExisting(await ctx.getInitiatorCredentials(), stack, botOperatePermission);
      }
      const client = await wickrClient(target);
      const before = await dataRetentionBot(client, networkId);
      const update = async (action: 'ENABLE' | 'DISABLE' | 'PUBKEY_MSG_ACK') =>
        client.updateDataRetention(networkId, action).catch(error => {
          throw new Error(`could not ${action} data retention of Wickr network ${networkId}: ${awsErrorLine(error)}; data retention was left as it was: retry the task`);
        });
      if (enabled && before.isPubkeyMsgAcked === false) {
        await update('PUBKEY_MSG_ACK');
        ctx.logger.info(`Acknowledged the bot's public key message in Wickr network ${networkId}`);
      }
      await update(enabled ? 'ENABLE' : 'DISABLE');
      for (let attempt = 0; attempt < 6; attempt++) {
        const after = await dataRetentionBot(client, networkId);
        if (after.isDataRetentionServiceEnabled === enabled) {
          ctx.logger.info(`Data retention is ${enabled ? 'on' : 'off'} in Wickr network ${networkId}`);
          ctx.output('retentionEnabled', enabled);
          return;
        }
        await sleep(5_000);
      }
      throw new Error(
        `asked the Wickr admin API to turn data retention ${enabled ? 'on' : 'off'} in network ${networkId}, but it still does not report it so after 30 s; look at the network in the admin console`,
      );
    },
  });
}
