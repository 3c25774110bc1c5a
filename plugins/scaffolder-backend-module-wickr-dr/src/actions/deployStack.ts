import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  bucketConsoleUrl,
  deploymentFieldRules,
  deploymentUpdatePermission,
  logGroupConsoleUrl,
  RenderedStack,
  renderedStackIssues,
  requireOutputs,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, awsErrorLine, botTaskStartedBefore, restartBotTask } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DeployError } from '../deploy/awsErrors';
import { DeployerEnvironment, DeployGuard, DeployResult, StackDeployer } from '../deploy/stackDeployer';
import { StackLocks } from '../deploy/stackLocks';
import { DeploymentAccess } from './deploymentAccess';
import { examples } from './deployStack.examples';
import { readRenderedStack } from './readRenderedStack';
import { targetFields } from './targetSchema';

export const DEPLOY_ACTION_ID = 'wickr-dr:stack:deploy';

export interface DeployStackActionOptions {
  awsClients: AwsClients;
  locks: StackLocks;
  access: DeploymentAccess;
  /** Images a deployment may run: `wickrDr.allowedImages`. */
  allowedImages: readonly string[];
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

/** The stack, region and account, checked before anything else: the account must be one the portal is configured for. */
export function checkTarget(awsClients: AwsClients, stackName: string, region: string, accountId?: string) {
  const { stackName: nameRule, region: regionRule, accountId: accountRule } = deploymentFieldRules;
  if (!new RegExp(nameRule.pattern).test(stackName)) throw new InputError(`stackName: must be ${nameRule.rule}`);
  if (!(regionRule.allowedValues as readonly string[]).includes(region)) throw new InputError(`region: must be ${regionRule.rule}`);
  if (accountId && !new RegExp(accountRule.pattern).test(accountId)) throw new InputError(`accountId: must be ${accountRule.rule}`);
  awsClients.assertAccountAllowed(accountId);
}

/** What the render step left in the workspace, checked again: any earlier step could have rewritten it. */
export async function checkedRenderedStack(workspacePath: string, renderedPath: string, stackName: string, allowedImages: readonly string[]): Promise<RenderedStack> {
  const rendered = await readRenderedStack(workspacePath, renderedPath, stackName);
  const issues = renderedStackIssues(rendered, { allowedImages });
  if (issues.length) {
    throw new InputError(`${renderedPath}/ does not hold a deployment the portal may make:\n${issues.map(i => `- ${i.message}`).join('\n')}`);
  }
  return rendered;
}

/**
 * After a new initial password: restarts the bot when its running task started before this step
 * and no deployment of its service has begun since, so that a task reads the password.
 */
async function restartBotIfUnchanged(
  ecs: ECSClient,
  outputs: DeployResult['outputs'],
  began: number,
  logger: Pick<LoggerService, 'info'>,
) {
  const { values, missing } = requireOutputs(outputs, ['ClusterName', 'ServiceName']);
  if (missing.length) {
    throw new Error(`the stack has no output ${missing.join(', ')}: cannot tell whether the bot must restart to read its new initial password`);
  }
  const { ClusterName: cluster, ServiceName: service } = values;
  try {
    const startedAt = await botTaskStartedBefore(ecs, cluster, service, began);
    if (startedAt === undefined) return;
    logger.info(
      `Restarting the bot (a new deployment of ECS service ${service}): its secret holds a new initial password that its task, running since ${new Date(startedAt).toISOString()} and not replaced by this step, never read`,
    );
    await restartBotTask(ecs, cluster, service);
  } catch (error) {
    throw new Error(
      `the stack is deployed, but the bot could not be restarted to read its new initial password: ${awsErrorLine(error)}; retry the task`,
    );
  }
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
        restartBotIfUnchanged: (z: typeof zod) =>
          z
            .boolean({
              description:
                "The bot's secret now holds a new initial password (the Wickr template passes put-secret's output password == 'initial'): a running bot whose task started before this step, and whose ECS service no deployment has replaced since, is restarted (a new deployment of the service) so that it reads the password. Default: false.",
            })
            .optional(),
        passwordSecret: (z: typeof zod) =>
          z
            .string({
              description:
                "The task secret that must hold the bot's initial password when the stack is created, checked before anything is written; empty when the password comes from elsewhere (the Wickr admin API). Default: botPassword.",
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
      },
      output: {
        stackId: (z: typeof zod) => z.string({ description: 'The stack ARN.' }).optional(),
        status: (z: typeof zod) => z.string({ description: 'The stack status at the end (NOT_CREATED in a dry run of a new stack).' }),
        outputs: (z: typeof zod) => z.record(z.string(), { description: 'Every output of the stack, by key.' }),
        consoleUrl: (z: typeof zod) => z.string({ description: 'The stack in the CloudFormation console.' }),
        links: (z: typeof zod) => z.record(z.string(), { description: 'Console links: stack, logGroup, retentionBucket.' }),
        noChanges: (z: typeof zod) => z.boolean({ description: 'The deployment changed nothing.' }),
        plannedChanges: (z: typeof zod) =>
          z.array(z.string(), { description: 'Dry run only: what would change, one line per parameter and resource, worked out without any write to AWS.' }).optional(),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, botRunning = 'keep', renderedPath = 'stack', passwordSecret = 'botPassword' } = ctx.input;
      checkTarget(options.awsClients, stackName, region, accountId);
      const rendered = await checkedRenderedStack(ctx.workspacePath, renderedPath, stackName, options.allowedImages);
      const timeoutMinutes = ctx.input.timeoutMinutes ?? options.defaults.timeoutMinutes;
      const restart = Boolean(ctx.input.restartBotIfUnchanged) && !ctx.isDryRun;
      // Kept for a retried task: a restart it made already is a deployment since then.
      const began = restart ? await ctx.checkpoint({ key: 'began', fn: () => (options.clock?.now ?? Date.now)() }) : 0;
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run of' : 'Deploying'} stack ${stackName} in ${region}${accountId ? ` (account ${accountId})` : ''}, timeout ${timeoutMinutes} minutes`,
      );
      const guard: DeployGuard = {
        beforeCreate: async () => {
          if (passwordSecret && !ctx.secrets?.[passwordSecret]) {
            throw new InputError(
              `${passwordSecret}: a first deployment needs the bot's initial password (from the Data Retention page of the Wickr admin console); stack ${stackName} does not exist yet, and nothing was created`,
            );
          }
          await options.access.authorizeCreate(await ctx.getInitiatorCredentials());
        },
        beforeUpdate: async stack => {
          await options.access.authorizeExisting(await ctx.getInitiatorCredentials(), stack, deploymentUpdatePermission);
        },
      };
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
          // The service role comes from config only: a template must never pick the role CloudFormation acts as.
          roleArn: options.defaults.roleArn,
          botRunning: botRunning === 'keep' ? 'keep' : botRunning === 'true',
          guard,
        },
      );
      let result: DeployResult;
      try {
        result = await deployer.deploy(rendered);
      } catch (error) {
        if (error instanceof DeployError) ctx.logger.error(error.message);
        throw error;
      }
      if (restart) {
        const ecs = await options.awsClients.get(ECSClient, { accountId, region });
        await restartBotIfUnchanged(ecs, result.outputs, began, ctx.logger);
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
