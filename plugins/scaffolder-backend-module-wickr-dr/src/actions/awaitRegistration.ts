import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { botConfigFromOutputs, botOperatePermission, requireOutputs } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  AwsClients,
  awsErrorLine,
  callContextOf,
  botTaskProblem,
  botTaskStartedAt,
  captureGeneratedPassword,
  CaptureOutcome,
  describeSecret,
  loggedInSince,
  loginFailuresCounted,
  loginFailureSince,
  stackOutputs,
  WickrAdminClient,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DeploymentAccess } from './deploymentAccess';
import { examples } from './awaitRegistration.examples';
import { checkTarget } from './deployStack';
import { changedByTask, deploymentStack } from './deploymentStack';
import { targetFields } from './targetSchema';
import { checkNetworkId, dataRetentionBot } from './wickrNetwork';
import { StackLocks, takeStack } from '../deploy/stackLocks';

export const AWAIT_REGISTRATION_ACTION_ID = 'wickr-dr:bot:await-registration';

export interface AwaitRegistrationActionOptions {
  awsClients: AwsClients;
  access: DeploymentAccess;
  /** Which task may write a stack: a deployment's first step takes it, its last gives it up. */
  locks: StackLocks;
  /** Builds the Wickr admin API client of a target (tests pass one to the fake server). */
  wickrClient?: (target: { accountId?: string; region: string }) => Promise<WickrAdminClient>;
  /** `wickrDr.passwordCapture.timeoutMinutes`. */
  timeoutMinutes: number;
  /** A simulated clock, for tests. */
  clock?: { now: () => number; sleep: (ms: number) => Promise<void> };
}

const realClock = { now: Date.now, sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms)) };

/** "2m10s" */
function took(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Waits a little (two minutes at most) for the bot to log in after it printed its password. */
async function waitForLogin(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  bannerAt: number,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  deadline: number,
): Promise<number | undefined> {
  const until = Math.min(deadline, clock.now() + 120_000);
  for (;;) {
    const at = await loggedInSince(logs, logGroupName, bannerAt);
    if (at !== undefined || clock.now() >= until) return at;
    await clock.sleep(5_000);
  }
}

/** Waits until the Wickr admin API reports the bot registered (isDataRetentionBotRegistered). */
async function waitForNetworkRegistration(
  client: WickrAdminClient,
  networkId: string,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  deadline: number,
): Promise<boolean> {
  const until = Math.max(deadline, clock.now() + 60_000);
  for (;;) {
    if ((await dataRetentionBot(client, networkId)).isDataRetentionBotRegistered === true) return true;
    if (clock.now() >= until) return false;
    await clock.sleep(5_000);
  }
}

const REFUSED_NEXT =
  'its initial password was rejected or already spent; issue a new one in the Wickr admin console and run the template again with "Replace the bot\'s password"';

/** Why the bot cannot register, found the way a person would dig it out of the log, its metrics and ECS. */
async function registrationProblem(
  clients: { logs: CloudWatchLogsClient; ecs: ECSClient; cloudwatch: CloudWatchClient },
  where: { logGroupName: string; cluster: string; service: string },
  since: number,
  now: number,
): Promise<string | undefined> {
  const failure = await loginFailureSince(clients.logs, where.logGroupName, since);
  if (failure) return `the bot's login was refused (${failure.why}, at ${new Date(failure.at).toISOString()}): ${REFUSED_NEXT}`;
  // The bot counts failures its log may word differently; a new bot's metric is listed minutes after it starts.
  const counted = await loginFailuresCounted(clients.cloudwatch, since, now);
  if (counted) {
    return `the bot's login was refused (${counted.count} failed logins in its Login_Failures metric, the first at ${new Date(counted.firstAt).toISOString()}): ${REFUSED_NEXT}`;
  }
  const task = await botTaskProblem(clients.ecs, where.cluster, where.service, since);
  return task && `the bot's task cannot start: ${task}`;
}

/**
 * Waits for the bot's first registration after it starts: reads its log (unmasked) for
 * the generated-password banner, stores the value as the secret's new version, and
 * confirms the bot logged in with it. A bot that registered before and starts again with
 * the kept password prints no banner: its login is enough, and nothing is written.
 * Explains a rejected password, a task that cannot start, and a banner that never comes.
 * The password itself is never logged or output.
 */
export function createAwaitRegistrationAction(options: AwaitRegistrationActionOptions) {
  const clock = options.clock ?? realClock;
  return createTemplateAction({
    id: AWAIT_REGISTRATION_ACTION_ID,
    description:
      "Waits for the Wickr bot to register, stores the password it generates in its secret (never logged), and confirms it logged in with it.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        networkId: (z: typeof zod) =>
          z
            .string({ description: "The bot's AWS Wickr network (8 digits): then the step also waits until the Wickr admin API reports the bot registered (the admin console's green mark)." })
            .optional(),
        passwordKept: (z: typeof zod) =>
          z
            .boolean({
              description:
                "The secret holds the password already there (put-secret's output password is kept), not a new initial one: then a login with it after the bot started, without a new banner, also means registered. Default: true.",
            })
            .optional(),
        timeoutMinutes: (z: typeof zod) =>
          z
            .number({ description: 'Give up after this many minutes without a registration. Default: wickrDr.passwordCapture.timeoutMinutes, or 15.' })
            .int()
            .min(1)
            .max(120)
            .optional(),
      },
      output: {
        registered: (z: typeof zod) => z.boolean({ description: 'The bot registered and its generated password is in its secret.' }),
        capturedAt: (z: typeof zod) =>
          z.string({ description: 'When the bot printed the password now in the secret (ISO 8601).' }).optional(),
        loggedInAt: (z: typeof zod) =>
          z.string({ description: 'When the bot logged in with it (ISO 8601), if seen.' }).optional(),
        registeredInNetwork: (z: typeof zod) =>
          z.boolean({ description: 'With networkId: the Wickr admin API reports the bot registered.' }).optional(),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, passwordKept = true } = ctx.input;
      checkTarget(options.awsClients, stackName, region, accountId);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for the bot of stack ${stackName} to register and store its generated password`);
        ctx.output('registered', false);
        return;
      }
      await takeStack(options.locks, ctx, { stackName, region, accountId });
      const target = { accountId, region };
      const stack: Stack = await deploymentStack(await options.awsClients.get(CloudFormationClient, target), stackName);
      if (!changedByTask(stack, ctx.task.id)) {
        await options.access.authorizeExisting(await ctx.getInitiatorCredentials(), stack, botOperatePermission);
      }
      const outputs = stackOutputs(stack);
      const { values, missing } = requireOutputs(outputs, ['BotLogGroupName', 'BotSecretArn', 'ClusterName', 'ServiceName']);
      if (missing.length) throw new InputError(`stackName: stack '${stackName}' has no output ${missing.join(', ')}`);
      const clients = {
        logs: await options.awsClients.get(CloudWatchLogsClient, target),
        secrets: await options.awsClients.get(SecretsManagerClient, target),
        ecs: await options.awsClients.get(ECSClient, target),
        cloudwatch: await options.awsClients.get(CloudWatchClient, target),
      };
      const passwordTarget = {
        logGroupName: values.BotLogGroupName,
        secretId: values.BotSecretArn,
        config: () => botConfigFromOutputs(outputs, region),
      };
      // Banners older than the secret's last change were answered already: look from there on.
      const since = await ctx.checkpoint({
        key: 'since',
        fn: async () => {
          const secret = await describeSecret(clients.secrets, values.BotSecretArn).catch(error => {
            throw new Error(`cannot read the bot's secret ${values.BotSecretArn}: ${awsErrorLine(error)}; nothing was stored: retry the task`);
          });
          return secret.LastChangedDate?.getTime() ?? 0;
        },
      });
      const timeoutMinutes = ctx.input.timeoutMinutes ?? options.timeoutMinutes;
      const started = clock.now();
      const deadline = started + timeoutMinutes * 60_000;
      let lastProgress = started;
      let delay = 5_000;
      const where = { logGroupName: values.BotLogGroupName, cluster: values.ClusterName, service: values.ServiceName };
      const confirmInNetwork = async () => {
        if (!ctx.input.networkId) return;
        const registered = await waitForNetworkRegistration(
          await (options.wickrClient ?? (t => WickrAdminClient.create(options.awsClients, t)))(target),
          checkNetworkId(ctx.input.networkId),
          clock,
          deadline,
        );
        ctx.logger.info(
          registered
            ? `The Wickr admin API reports the bot registered in network ${ctx.input.networkId}`
            : `The Wickr admin API does not report the bot registered in network ${ctx.input.networkId} yet`,
        );
        if (!registered) throw new Error(`the bot logged in, but the Wickr admin API does not report it registered in network ${ctx.input.networkId} within the timeout; look at Data Retention in the admin console`);
        ctx.output('registeredInNetwork', true);
      };
      ctx.logger.info(`Waiting for the bot to register (its log ${values.BotLogGroupName}), at most ${timeoutMinutes} minutes`);
      for (;;) {
        // This run of the bot began when its newest task started (often during the step before), else now.
        const taskStartedAt = await botTaskStartedAt(clients.ecs, where.cluster, where.service).catch(() => undefined);
        const runFrom = Math.max(since, taskStartedAt ?? started);
        let outcome: CaptureOutcome;
        let keptLogin: number | undefined;
        try {
          // The login first: a banner printed before it is then seen by the look that follows.
          keptLogin = passwordKept ? await loggedInSince(clients.logs, where.logGroupName, runFrom) : undefined;
          // From the task's start as well: the keeper may have stored its banner before `since` was read.
          const lookFrom = Math.min(since, taskStartedAt ?? since);
          outcome = await captureGeneratedPassword(clients, passwordTarget, { since: lookFrom, olderByValue: true });
        } catch (error) {
          // A password read from the log but not stored is only in the log: say so, and who stores it.
          const lost = callContextOf(error)?.operation === 'PutSecretValue'
            ? "the password the bot generated is only in its log: retry the task, or the backend's password keeper stores it on its next run"
            : 'nothing was stored: retry the task';
          throw new Error(`cannot read the bot's log or write its secret: ${awsErrorLine(error)}; ${lost}`);
        }
        if (outcome.outcome === 'unreadable' && outcome.bannerAt >= since) {
          throw new Error(
            `the bot printed its generated-password banner at ${new Date(outcome.bannerAt).toISOString()}, but its value could not be read (${outcome.why}); nothing was guessed or stored`,
          );
        }
        if (outcome.outcome === 'captured' || outcome.outcome === 'already-stored') {
          const at = new Date(outcome.bannerAt).toISOString();
          ctx.logger.info(
            outcome.outcome === 'captured'
              ? `Stored the password the bot generated at ${at} as the secret's new version (the previous one stays AWSPREVIOUS)`
              : `The secret already holds the password the bot generated at ${at}`,
          );
          ctx.output('registered', true);
          ctx.output('capturedAt', at);
          const loggedInAt = outcome.loggedInAt ?? (await waitForLogin(clients.logs, values.BotLogGroupName, outcome.bannerAt, clock, deadline));
          if (loggedInAt) {
            ctx.logger.info(`The bot logged in with it at ${new Date(loggedInAt).toISOString()}`);
            ctx.output('loggedInAt', new Date(loggedInAt).toISOString());
          } else {
            ctx.logger.warn('The bot has not logged in with it yet; the card shows when it does');
          }
          await confirmInNetwork();
          return;
        }
        if (keptLogin !== undefined) {
          const at = new Date(keptLogin).toISOString();
          ctx.logger.info(`The bot logged in at ${at} with the password its secret already held, and printed no new one; nothing was written`);
          ctx.output('registered', true);
          ctx.output('loggedInAt', at);
          await confirmInNetwork();
          return;
        }
        const problem = await registrationProblem(clients, where, passwordKept ? runFrom : since, clock.now()).catch(error => {
          ctx.logger.warn(`Could not read why the bot has not registered: ${awsErrorLine(error)}`);
          return undefined;
        });
        if (problem) throw new Error(problem);
        const now = clock.now();
        if (now >= deadline || ctx.signal?.aborted) {
          const nothing = `no generated-password banner${passwordKept ? ' and no login' : ''} in ${timeoutMinutes} minutes`;
          throw new Error(
            `${ctx.signal?.aborted ? 'the task was cancelled' : nothing}: the bot has not registered; look at its log ${values.BotLogGroupName} and its ECS service ${values.ServiceName}, then run the template again (the bot's password is kept)`,
          );
        }
        if (now - lastProgress >= 30_000) {
          ctx.logger.info(`waiting for the bot to register, ${took(now - started)}`);
          lastProgress = now;
        }
        await clock.sleep(Math.min(delay, deadline - now));
        delay = Math.min(delay * 1.5, 15_000);
      }
    },
  });
}
