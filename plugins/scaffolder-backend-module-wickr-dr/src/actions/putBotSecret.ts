import { randomUUID } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  botConfigFromOutputs,
  botOperatePermission,
  DEPLOYMENT_TAG,
  deploymentUpdatePermission,
  MissingPasswordError,
  nextBotSecret,
  sameSecret,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  AwsClients,
  awsErrorLine,
  describeSecret,
  readBotSecret,
  secretNotOfStack,
  stackOutputs,
  stackTags,
  WickrAdminClient,
  writeBotSecret,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { changedByTask, deploymentStack } from './deploymentStack';
import { checkNetworkId, dataRetentionBot, isRunningBot } from './wickrNetwork';
import { DeploymentAccess } from './deploymentAccess';
import { checkTarget } from './deployStack';
import { examples } from './putBotSecret.examples';
import { targetFields } from './targetSchema';
import { StackLocks, takeStack } from '../deploy/stackLocks';

export const PUT_SECRET_ACTION_ID = 'wickr-dr:bot:put-secret';

export interface PutBotSecretActionOptions {
  awsClients: AwsClients;
  access: DeploymentAccess;
  /** Which task may write a stack: a deployment's first step takes it, its last gives it up. */
  locks: StackLocks;
  /** Builds the Wickr admin API client of a target (tests pass one to the fake server). */
  wickrClient?: (target: { accountId?: string; region: string }) => Promise<WickrAdminClient>;
}

/**
 * A new initial password from the Wickr admin API (CreateDataRetentionBotChallenge),
 * straight into the value to store: never logged, checkpointed or output. Refused for a
 * bot that is registered and running unless its password is being replaced on purpose.
 */
async function challengePassword(client: WickrAdminClient, networkId: string, replacePassword: boolean): Promise<string> {
  const bot = await dataRetentionBot(client, networkId);
  if (isRunningBot(bot) && !replacePassword) {
    throw new InputError(
      `networkId: the data-retention bot ${bot.botName} of Wickr network ${networkId} is registered and running; a new challenge would lock it out, so none was issued (choose "Replace the bot's password" to issue one anyway)`,
    );
  }
  try {
    return (await client.createDataRetentionBotChallenge(networkId)).reveal();
  } catch (error) {
    throw new Error(`could not get a new initial password for the bot of Wickr network ${networkId}: ${awsErrorLine(error)}`);
  }
}

/**
 * Puts the bot's password, from the task's secrets, into the stack's Secrets
 * Manager secret, with the configuration the bot reads beside it. The password
 * never reaches CloudFormation, a log or an output. A password already in the
 * secret (the one the bot generated when it registered) is kept unless
 * `replacePassword` is set, so redeploying never breaks a registered bot.
 */
export function createPutBotSecretAction(options: PutBotSecretActionOptions) {
  return createTemplateAction({
    id: PUT_SECRET_ACTION_ID,
    description:
      "Writes the Wickr bot's password (from the task's secrets) and configuration into the stack's secret, keeping a registered bot's password.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        passwordSecret: (z: typeof zod) =>
          z
            .string({ description: "The name of the task secret holding the bot's initial password (a Secret field of the form). Default: botPassword." })
            .optional(),
        replacePassword: (z: typeof zod) =>
          z
            .boolean({ description: "Overwrite a password already in the secret. Only for a bot that has not registered yet, or a new initial password from the admin console. Default: false." })
            .optional(),
        passwordSource: (z: typeof zod) =>
          z
            .enum(['task-secret', 'wickr-api'], {
              description:
                "Where a needed initial password comes from: the task secret `passwordSecret` (default), or a new challenge from the Wickr admin API for `networkId`, asked only when the secret has no password yet or replacePassword is set.",
            })
            .optional(),
        networkId: (z: typeof zod) => z.string({ description: "The bot's AWS Wickr network (8 digits), for passwordSource wickr-api." }).optional(),
      },
      output: {
        secretArn: (z: typeof zod) => z.string({ description: "The ARN of the bot's secret." }),
        password: (z: typeof zod) =>
          z.enum(['kept', 'initial'], { description: 'Which password the secret holds now: the one already there, or a new initial one (given, or from the Wickr admin API).' }),
        changed: (z: typeof zod) => z.boolean({ description: 'Whether a new secret version was written.' }),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, passwordSecret = 'botPassword', replacePassword = false, passwordSource = 'task-secret' } = ctx.input;
      const fromWickr = passwordSource === 'wickr-api';
      const networkId = fromWickr ? checkNetworkId(ctx.input.networkId) : undefined;
      const given = fromWickr ? undefined : ctx.secrets?.[passwordSecret] || undefined;
      if (ctx.isDryRun) {
        const source = (fromWickr && ' (a password from the Wickr admin API if one is needed)') || (given && ' (an initial password was given)') || '';
        ctx.logger.info(`Dry run: would write the bot's secret of stack ${stackName}${source}; nothing written`);
        return;
      }
      const target = { accountId, region };
      checkTarget(options.awsClients, stackName, region, accountId);
      await takeStack(options.locks, ctx, { stackName, region, accountId });
      const cloudformation = await options.awsClients.get(CloudFormationClient, target);
      const stack = await deploymentStack(cloudformation, stackName);
      if (!changedByTask(stack, ctx.task.id)) {
        const credentials = await ctx.getInitiatorCredentials();
        await options.access.authorizeExisting(credentials, stack, deploymentUpdatePermission);
        // Replacing a deployment's password is operating its bot.
        if (replacePassword) await options.access.authorizeExisting(credentials, stack, botOperatePermission);
      }
      const outputs = stackOutputs(stack);
      let config;
      try {
        config = botConfigFromOutputs(outputs, region);
      } catch (error) {
        throw new InputError(`stackName: ${(error as Error).message}`);
      }
      const secretArn = outputs.BotSecretArn;
      const secretsManager = await options.awsClients.get(SecretsManagerClient, target);
      const unread = (error: unknown) => new Error(`cannot read the bot's secret ${secretArn}: ${awsErrorLine(error)}; nothing was written`);
      const secret = await describeSecret(secretsManager, secretArn).catch(error => {
        throw unread(error);
      });
      const notOurs = secretNotOfStack(secret, {
        stackId: stack.StackId!,
        deploymentName: stackTags(stack)[DEPLOYMENT_TAG],
      });
      if (notOurs) throw new InputError(`stackName: the stack's BotSecretArn output does not name its own secret: ${notOurs}; nothing was written`);

      const current = await readBotSecret(secretsManager, secretArn).catch(error => {
        throw unread(error);
      });
      const needsPassword = !current?.password || replacePassword;
      const wickrClient = options.wickrClient ?? (t => WickrAdminClient.create(options.awsClients, t));
      const initialPassword =
        fromWickr && needsPassword ? await challengePassword(await wickrClient(target), networkId!, replacePassword) : given;
      let next;
      try {
        next = nextBotSecret(current, config, initialPassword, replacePassword);
      } catch (error) {
        if (error instanceof MissingPasswordError) throw new InputError(error.message);
        throw error;
      }
      const changed = !sameSecret(current, next.value);
      if (changed) {
        // A challenge is new on every try, so it gets a new token; a given password keeps its token.
        const token = fromWickr ? randomUUID() : await ctx.checkpoint({ key: 'put-secret-token', fn: () => randomUUID() });
        await writeBotSecret(secretsManager, secretArn, next.value, token).catch(error => {
          const nextStep = fromWickr
            ? 'the password the Wickr admin API issued was not stored: retry the task for a new one'
            : 'retry the task to write it (it sends the same token, so the secret never gets a second version)';
          throw new Error(`could not write the bot's secret ${secretArn}: ${awsErrorLine(error)}; ${nextStep}`);
        });
      }
      const source = fromWickr ? 'a new one from the Wickr admin API' : 'the initial one given';
      ctx.logger.info(
        `${changed ? 'Wrote' : 'Already up to date:'} the bot's secret ${secretArn} (password: ${next.password === 'kept' ? 'kept the one already there' : source})`,
      );
      ctx.output('secretArn', secretArn);
      ctx.output('password', next.password);
      ctx.output('changed', changed);
    },
  });
}
