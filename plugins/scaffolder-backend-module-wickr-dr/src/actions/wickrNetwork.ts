import { InputError } from '@backstage/errors';
import { deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  awsErrorLine,
  DataRetentionBot,
  WickrAdminClient,
  WickrForbiddenError,
  WickrNotFoundError,
  WickrNetwork,
  WickrUnauthorizedError,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';

/** The networkId field, checked before any call. */
export function checkNetworkId(networkId: unknown): string {
  const { pattern, rule } = deploymentFieldRules.networkId;
  if (typeof networkId !== 'string' || !new RegExp(pattern).test(networkId)) {
    throw new InputError(`networkId: must be ${rule}; got ${JSON.stringify(networkId ?? '')}`);
  }
  return networkId;
}

/** An API error as the field it is about: the network. */
function asNetworkError(networkId: string, error: unknown): Error {
  if (error instanceof WickrNotFoundError) {
    return new InputError(`networkId: no Wickr network ${networkId} in this account and region (${awsErrorLine(error)})`);
  }
  if (error instanceof WickrForbiddenError || error instanceof WickrUnauthorizedError) {
    return new InputError(`networkId: no permission on Wickr network ${networkId}: ${awsErrorLine(error)}`);
  }
  return new Error(`cannot read Wickr network ${networkId}: ${awsErrorLine(error)}`);
}

/** The network, if it exists, the portal may read it, and it offers data retention (Premium). */
export async function premiumNetwork(client: WickrAdminClient, networkId: string): Promise<WickrNetwork> {
  let network: WickrNetwork;
  try {
    network = await client.getNetwork(networkId);
  } catch (error) {
    throw asNetworkError(networkId, error);
  }
  if (network.accessLevel !== 'PREMIUM') {
    throw new InputError(
      `networkId: Wickr network ${networkId} (${network.networkName}) is ${network.accessLevel}; data retention needs a Premium network (the API answered accessLevel ${network.accessLevel})`,
    );
  }
  return network;
}

export async function dataRetentionBot(client: WickrAdminClient, networkId: string): Promise<DataRetentionBot> {
  try {
    return await client.getDataRetentionBot(networkId);
  } catch (error) {
    throw asNetworkError(networkId, error);
  }
}

/**
 * The bot of a network GetNetwork found. The model lists ResourceNotFoundError for GetDataRetentionBot,
 * so a 404 then means the network has no bot, not that there is no network.
 */
export async function botOfFoundNetwork(client: WickrAdminClient, networkId: string): Promise<DataRetentionBot> {
  try {
    return await client.getDataRetentionBot(networkId);
  } catch (error) {
    if (error instanceof WickrNotFoundError) return { botExists: false };
    throw asNetworkError(networkId, error);
  }
}

/** A bot that is registered and running: a new challenge would lock it out. */
export function isRunningBot(bot: DataRetentionBot): boolean {
  return bot.isDataRetentionBotRegistered === true && bot.isBotActive === true;
}
