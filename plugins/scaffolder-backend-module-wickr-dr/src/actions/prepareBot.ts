import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { deploymentFieldRules, NETWORK_TAG, StackParameterDefinition, stackParameters } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  AwsClients,
  awsErrorLine,
  DataRetentionBot,
  describeStack,
  readBotSecret,
  stackOutputs,
  WickrAdminClient,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { examples } from './prepareBot.examples';
import { checkTarget } from './deployStack';
import { botOfFoundNetwork, checkNetworkId, dataRetentionBot, isRunningBot, premiumNetwork } from './wickrNetwork';
import { targetFields } from './targetSchema';
import { StackLocks, takeStack } from '../deploy/stackLocks';

export const PREPARE_BOT_ACTION_ID = 'wickr-dr:bot:prepare';

export interface PrepareBotActionOptions {
  awsClients: AwsClients;
  /** Which task may write a stack: a deployment's first step takes it, its last gives it up. */
  locks: StackLocks;
  /** Builds the Wickr admin API client of a target (tests pass one to the fake server). */
  wickrClient?: (target: { accountId?: string; region: string }) => Promise<WickrAdminClient>;
}

const BOT_NAME = (stackParameters as readonly StackParameterDefinition[]).find(p => p.name === 'BotName')!;

type Target = { accountId?: string; region: string };

async function existingStack(awsClients: AwsClients, target: Target, stackName: string): Promise<Stack | undefined> {
  try {
    return await describeStack(await awsClients.get(CloudFormationClient, target), stackName);
  } catch (error) {
    throw new Error(`cannot read stack '${stackName}': ${awsErrorLine(error)}`);
  }
}

/** Whether the deployment's secret already holds a password (the bot's own, once it registered). */
async function secretHoldsPassword(awsClients: AwsClients, target: Target, stack: Stack | undefined) {
  const secretArn = stack && stackOutputs(stack).BotSecretArn;
  if (!secretArn) return false;
  const current = await readBotSecret(await awsClients.get(SecretsManagerClient, target), secretArn);
  return Boolean(current?.password);
}

/** Why the stack's bot is not the network's: its network tag names another network, or its BotName another bot. */
function otherBot(stack: Stack, networkId: string, bot: DataRetentionBot): string | undefined {
  const taggedNetwork = stack.Tags?.find(t => t.Key === NETWORK_TAG)?.Value;
  const botName = stack.Parameters?.find(p => p.ParameterKey === BOT_NAME.name)?.ParameterValue;
  if (taggedNetwork && taggedNetwork !== networkId) return `its ${NETWORK_TAG} tag names network ${taggedNetwork}`;
  if (botName && bot.botExists !== true) return `its bot is ${botName}, and the network has no data-retention bot yet`;
  if (botName && bot.botName && botName !== bot.botName) return `its bot is ${botName}, the network's is ${bot.botName}`;
  return undefined;
}

/**
 * Refuses, before any write, a password the deployment would be left with that cannot work: none
 * for a bot that is registered and running (a new challenge would lock it out), or, in the secret of
 * an existing deployment, the password of a bot of another network (put-secret would keep it).
 */
async function refuseUnusablePassword(awsClients: AwsClients, target: Target, stackName: string, networkId: string, bot: DataRetentionBot) {
  const stack = await existingStack(awsClients, target, stackName);
  const other = stack && otherBot(stack, networkId, bot);
  const running = isRunningBot(bot);
  const holdsPassword = (other || running) && (await secretHoldsPassword(awsClients, target, stack));
  if (other && holdsPassword) {
    throw new InputError(
      `networkId: stack ${stackName} is not a deployment of Wickr network ${networkId} (${other}) and its secret holds its bot's password; a deployment moves to another network's bot only with a new initial password: choose "Replace the bot's password" to do so`,
    );
  }
  if (running && !holdsPassword) {
    throw new InputError(
      `networkId: the data-retention bot ${bot.botName} of Wickr network ${networkId} is registered and running, and this deployment would need a new initial password for it, which would lock the running bot out; choose "Replace the bot's password" to issue one anyway`,
    );
  }
}

/**
 * Makes sure of the bot before anything is deployed. With the Wickr admin API: the network
 * exists, the portal may use it and it is Premium; the data-retention bot exists (created
 * once, never twice on a retried task); no new challenge is going to lock out a bot that is
 * registered and running, and an existing deployment does not keep another network's bot
 * password, unless the user chose to replace its password. With the
 * admin console's name: the name is valid and, if a network is given, the network's bot.
 * Outputs the bot name the stack is rendered with.
 */
export function createPrepareBotAction(options: PrepareBotActionOptions) {
  const wickrClient = options.wickrClient ?? (target => WickrAdminClient.create(options.awsClients, target));
  return createTemplateAction({
    id: PREPARE_BOT_ACTION_ID,
    description:
      "Checks the bot's Wickr network and creates its data-retention bot through the Wickr admin API when it does not exist, before anything is deployed; outputs the bot name.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        passwordSource: (z: typeof zod) =>
          z
            .enum(['wickr-api', 'admin-console'], {
              description:
                "Where the bot's initial password comes from: `wickr-api` (the portal creates the bot and its password; no person sees it) or `admin-console` (a name and password copied from the Wickr admin console). Default: wickr-api.",
            })
            .optional(),
        networkId: (z: typeof zod) =>
          z.string({ description: `The AWS Wickr network of the bot: ${deploymentFieldRules.networkId.rule}. Needed with wickr-api.` }).optional(),
        botName: (z: typeof zod) =>
          z.string({ description: `The bot name from the admin console (admin-console only): ${BOT_NAME.rule}.` }).optional(),
        replacePassword: (z: typeof zod) =>
          z
            .boolean({ description: "The user chose to replace the bot's password: a new challenge is issued even for a bot that is registered and running. Default: false." })
            .optional(),
      },
      output: {
        botName: (z: typeof zod) => z.string({ description: 'The bot name to render the stack with.' }),
        networkId: (z: typeof zod) => z.string({ description: 'The network of the bot, when one was given.' }).optional(),
      },
    },
    async handler(ctx) {
      const { stackName, region, accountId, passwordSource = 'wickr-api', replacePassword = false } = ctx.input;
      checkTarget(options.awsClients, stackName, region, accountId);
      // The deployment's first step: the stack is this task's from here to the last step.
      await takeStack(options.locks, ctx, { stackName, region, accountId });
      const target = { accountId, region };
      if (passwordSource === 'admin-console') {
        const botName = ctx.input.botName ?? '';
        if (!new RegExp(BOT_NAME.pattern!).test(botName)) throw new InputError(`botName: must be ${BOT_NAME.rule}`);
        if (ctx.input.networkId) {
          const networkId = checkNetworkId(ctx.input.networkId);
          const bot = await dataRetentionBot(await wickrClient(target), networkId);
          if (bot.botName && bot.botName !== botName) {
            throw new InputError(`botName: the data-retention bot of Wickr network ${networkId} is ${bot.botName}, not ${botName}: this bot belongs to another network`);
          }
          ctx.output('networkId', networkId);
        }
        ctx.output('botName', botName);
        return;
      }

      const networkId = checkNetworkId(ctx.input.networkId);
      const client = await wickrClient(target);
      const network = await premiumNetwork(client, networkId);
      let bot = await botOfFoundNetwork(client, networkId);
      ctx.logger.info(`Wickr network ${networkId} (${network.networkName}) is ${network.accessLevel}; its data-retention bot ${bot.botExists ? `is ${bot.botName}` : 'does not exist yet'}`);
      if (!replacePassword) await refuseUnusablePassword(options.awsClients, target, stackName, networkId, bot);
      if (bot.botExists !== true) {
        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would create the data-retention bot of Wickr network ${networkId}`);
          ctx.output('botName', `compliance_${networkId}_bot`);
          ctx.output('networkId', networkId);
          return;
        }
        // The API takes no idempotency token: decide from botExists, once per task.
        await ctx.checkpoint({
          key: `create-bot-${networkId}`,
          fn: async () => {
            if ((await botOfFoundNetwork(client, networkId)).botExists === true) return;
            await client.createDataRetentionBot(networkId).catch(async error => {
              if ((await botOfFoundNetwork(client, networkId)).botExists === true) return;
              throw new Error(`could not create the data-retention bot of Wickr network ${networkId}: ${awsErrorLine(error)}; it has no bot yet: retry the task`);
            });
          },
        });
        bot = await botOfFoundNetwork(client, networkId);
        ctx.logger.info(`Created the data-retention bot ${bot.botName ?? ''} of Wickr network ${networkId}`);
      }
      if (!bot.botName || !new RegExp(BOT_NAME.pattern!).test(bot.botName)) {
        throw new Error(`the Wickr admin API names the bot of network ${networkId} ${JSON.stringify(bot.botName ?? '')}, which is not a bot name the stack can take (${BOT_NAME.rule})`);
      }
      ctx.output('botName', bot.botName);
      ctx.output('networkId', networkId);
    },
  });
}
