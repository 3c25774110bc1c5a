import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { DeploymentTarget } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DayTwoDeployer } from '../deploy/dayTwoDeployer';
import { DeployerEnvironment } from '../deploy/stackDeployer';
import { StackLocks } from '../deploy/stackLocks';
import { DeploymentAccess } from './deploymentAccess';
import { OperationRecorder } from './operationRecorder';

/** What every day-two action is built with. */
export interface DayTwoActionOptions {
  awsClients: AwsClients;
  access: DeploymentAccess;
  locks: StackLocks;
  recorder: OperationRecorder;
  defaults: { timeoutMinutes: number; roleArn?: string };
  clock?: Pick<DeployerEnvironment, 'sleep' | 'now'>;
}

/** The day-two engine for a deployment's stack, wired to the task. */
export async function dayTwoDeployer(ctx: ActionContext<any, any>, options: DayTwoActionOptions, target: DeploymentTarget) {
  const cloudformation = await options.awsClients.get(CloudFormationClient, target);
  return new DayTwoDeployer(
    { cloudformation, locks: options.locks, ...options.clock },
    { logger: ctx.logger, checkpoint: ctx.checkpoint as any, taskId: ctx.task.id, signal: ctx.signal },
    {
      region: target.region,
      accountId: target.accountId,
      dryRun: false,
      timeoutMs: options.defaults.timeoutMinutes * 60_000,
      terminationProtection: false,
      roleArn: options.defaults.roleArn,
      botRunning: 'keep',
    },
  );
}

/** The user who started the task, for the operation's record. */
export const initiator = (ctx: ActionContext<any, any>) => ctx.user?.ref;
