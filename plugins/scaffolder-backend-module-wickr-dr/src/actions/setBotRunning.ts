import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { botOperatePermission } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { z as zod } from 'zod/v3';
import { DayTwoActionOptions, dayTwoDeployer, initiator } from './dayTwo';
import { recorded } from './operationRecorder';
import { examples } from './setBotRunning.examples';
import { holdingStack } from '../deploy/stackLocks';

export const SET_RUNNING_ACTION_ID = 'wickr-dr:bot:set-running';

/**
 * Stops the bot (no task) or starts it (one task) through the stack's BotRunning
 * parameter, never behind CloudFormation's back, so drift stays clean: the same
 * template and every other value, one change set, followed to the end.
 */
export function createSetBotRunningAction(options: DayTwoActionOptions) {
  return createTemplateAction({
    id: SET_RUNNING_ACTION_ID,
    description: "Stops or starts a Wickr data-retention deployment's bot through its stack (the desired count of its ECS service).",
    examples,
    schema: {
      input: {
        deployment: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment.' }),
        running: (z: typeof zod) => z.boolean({ description: 'true starts the bot, false stops it.' }),
      },
      output: {
        status: (z: typeof zod) => z.string({ description: 'The stack status at the end.' }),
        stackName: (z: typeof zod) => z.string({ description: 'The stack, for the steps that follow.' }),
        region: (z: typeof zod) => z.string({ description: 'Its Region.' }),
        accountId: (z: typeof zod) => z.string({ description: 'Its account; empty for the main account.' }).optional(),
        noChanges: (z: typeof zod) => z.boolean({ description: 'The bot was already as asked.' }),
      },
    },
    async handler(ctx) {
      const { running } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const { entityRef, target } = await options.access.resolve(credentials, ctx.input.deployment, botOperatePermission);
      const deployer = await dayTwoDeployer(ctx, options, target);
      ctx.logger.info(`${running ? 'Starting' : 'Stopping'} the bot of ${entityRef} through stack ${target.stackName}`);
      const result = await recorded(
        options.recorder,
        entityRef,
        { operation: running ? 'start' : 'stop', by: initiator(ctx), taskId: ctx.task.id },
        // Kept for the bot's registration step that follows; free once the task ends.
        () => holdingStack(options.locks, ctx, target, () => deployer.setBotRunning(target.stackName, target.deploymentName, running)),
        r => (r.noChanges ? `already ${running ? 'running' : 'stopped'}` : r.status),
      );
      ctx.output('status', result.status);
      ctx.output('stackName', target.stackName);
      ctx.output('region', target.region);
      if (target.accountId) ctx.output('accountId', target.accountId);
      ctx.output('noChanges', Boolean(result.noChanges));
    },
  });
}
