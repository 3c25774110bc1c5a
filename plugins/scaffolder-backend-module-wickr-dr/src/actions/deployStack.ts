import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  bucketConsoleUrl,
  deploymentFieldRules,
  logGroupConsoleUrl,
} from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DeployError } from '../deploy/awsErrors';
import { DeployerEnvironment, DeployResult, StackDeployer } from '../deploy/stackDeployer';
import { StackLocks } from '../deploy/stackLocks';
import { examples } from './deployStack.examples';
import { readRenderedStack } from './readRenderedStack';
import { targetFields } from './targetSchema';

export const DEPLOY_ACTION_ID = 'wickr-dr:stack:deploy';

export interface DeployStackActionOptions {
  awsClients: AwsClients;
  locks: StackLocks;
  /** Defaults from app-config `wickrDr.deploy`. */
  defaults: { timeoutMinutes: number; terminationProtection: boolean; roleArn?: string };
  /** A simulated clock, for tests; the real one by default. */
  clock?: Pick<DeployerEnvironment, 'sleep' | 'now'>;
}

/** Links a user opens after a deployment, from the stack's outputs. */
function links(result: DeployResult, region: string) {
  const { BotLogGroupName, RetentionBucketName, RetentionPrefix } = result.outputs;
  return {
    stack: result.consoleUrl,
    ...(BotLogGroupName && { logGroup: logGroupConsoleUrl(region, BotLogGroupName) }),
    ...(RetentionBucketName && { retentionBucket: bucketConsoleUrl(region, RetentionBucketName, RetentionPrefix) }),
  };
}

function checkTarget(stackName: string, region: string, accountId?: string) {
  const { stackName: nameRule, region: regionRule, accountId: accountRule } = deploymentFieldRules;
  if (!new RegExp(nameRule.pattern).test(stackName)) throw new InputError(`stackName: must be ${nameRule.rule}`);
  if (!(regionRule.allowedValues as readonly string[]).includes(region)) throw new InputError(`region: must be ${regionRule.rule}`);
  if (accountId && !new RegExp(accountRule.pattern).test(accountId)) throw new InputError(`accountId: must be ${accountRule.rule}`);
}

/**
 * Creates or updates the deployment's stack through a change set and follows it to
 * the end, one log line per resource event. In a dry run, shows what would change.
 */
export function createDeployStackAction(options: DeployStackActionOptions) {
  return createTemplateAction({
    id: DEPLOY_ACTION_ID,
    description:
      'Creates or updates a Wickr data-retention stack through a change set, reporting progress, and explains a failure in one line.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        botRunning: (z: typeof zod) =>
          z
            .enum(['keep', 'true', 'false'], {
              description:
                'Whether the bot runs after this deployment: `keep` leaves an existing stack as it is (a new one starts with the bot stopped, before its password is in the secret); `true` starts it. Default: keep.',
            })
            .optional(),
        renderedPath: (z: typeof zod) =>
          z.string({ description: 'The workspace folder wickr-dr:deployment:render wrote into. Default: stack.' }).optional(),
        timeoutMinutes: (z: typeof zod) =>
          z
            .number({ description: 'Stop waiting after this many minutes; an update still running is cancelled and rolled back. Default: wickrDr.deploy.timeoutMinutes, or 60.' })
            .int()
            .min(1)
            .max(720)
            .optional(),
        terminationProtection: (z: typeof zod) =>
          z.boolean({ description: 'Turn on termination protection when the stack is created. Default: wickrDr.deploy.terminationProtection, or true.' }).optional(),
        roleArn: (z: typeof zod) =>
          z.string({ description: 'A CloudFormation service role to deploy with. Default: wickrDr.deploy.roleArn, or none (the caller\'s credentials).' }).optional(),
      },
      output: {
        stackId: (z: typeof zod) => z.string({ description: 'The stack ARN.' }).optional(),
        status: (z: typeof zod) => z.string({ description: 'The stack status at the end (NOT_CREATED in a dry run of a new stack).' }),
        outputs: (z: typeof zod) => z.record(z.string(), { description: 'Every output of the stack, by key.' }),
        consoleUrl: (z: typeof zod) => z.string({ description: 'The stack in the CloudFormation console.' }),
        links: (z: typeof zod) => z.record(z.string(), { description: 'Console links: stack, logGroup, retentionBucket.' }),
        noChanges: (z: typeof zod) => z.boolean({ description: 'The deployment changed nothing.' }),
        plannedChanges: (z: typeof zod) => z.array(z.string(), { description: 'Dry run only: what would change, one line per resource.' }).optional(),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, botRunning = 'keep', renderedPath = 'stack' } = ctx.input;
      checkTarget(stackName, region, accountId);
      const rendered = await readRenderedStack(ctx.workspacePath, renderedPath, stackName);
      const timeoutMinutes = ctx.input.timeoutMinutes ?? options.defaults.timeoutMinutes;
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run of' : 'Deploying'} stack ${stackName} in ${region}${accountId ? ` (account ${accountId})` : ''}, timeout ${timeoutMinutes} minutes`,
      );
      const cloudformation = await options.awsClients.get(CloudFormationClient, { accountId, region });
      const deployer = new StackDeployer(
        { cloudformation, locks: options.locks, ...options.clock },
        // The deployer checkpoints plain JSON objects; TypeScript cannot see its interfaces as JsonValue.
        { logger: ctx.logger, checkpoint: ctx.checkpoint as any, taskId: ctx.task.id, signal: ctx.signal },
        {
          region,
          accountId,
          dryRun: Boolean(ctx.isDryRun),
          timeoutMs: timeoutMinutes * 60_000,
          terminationProtection: ctx.input.terminationProtection ?? options.defaults.terminationProtection,
          roleArn: ctx.input.roleArn ?? options.defaults.roleArn,
          botRunning: botRunning === 'keep' ? 'keep' : botRunning === 'true',
        },
      );
      let result: DeployResult;
      try {
        result = await deployer.deploy(rendered);
      } catch (error) {
        if (error instanceof DeployError) ctx.logger.error(error.message);
        throw error;
      }
      if (result.stackId) ctx.output('stackId', result.stackId);
      ctx.output('status', result.status);
      ctx.output('outputs', result.outputs);
      ctx.output('consoleUrl', result.consoleUrl);
      ctx.output('links', links(result, region));
      ctx.output('noChanges', Boolean(result.noChanges));
      if (result.plannedChanges) ctx.output('plannedChanges', result.plannedChanges);
    },
  });
}
