import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { WickrBotState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  AwsClients,
  AwsTarget,
  awsErrorLine,
  DataRetentionBot,
  WickrAdminClient,
  WickrForbiddenError,
  WickrNetwork,
  WickrNotFoundError,
  WickrRateLimitError,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';

/** The admin API's clients, one per account and region, made once. */
export class WickrClients {
  private readonly cache = new Map<string, Promise<WickrAdminClient>>();

  constructor(private readonly awsClients: AwsClients) {}

  get(target: AwsTarget): Promise<WickrAdminClient> {
    const key = `${target.accountId ?? 'main'}/${target.region}`;
    let client = this.cache.get(key);
    if (!client) {
      client = WickrAdminClient.create(this.awsClients, { accountId: target.accountId, region: target.region });
      client.catch(() => this.cache.delete(key));
      this.cache.set(key, client);
    }
    return client;
  }
}

/** The bot as the card shows it; a member the API left out stays unknown (undefined, left out of the JSON), never false. */
export function wickrBotState(networkId: string, network: WickrNetwork | undefined, bot: DataRetentionBot): WickrBotState {
  return {
    networkId,
    networkName: network?.networkName,
    accessLevel: network?.accessLevel,
    botName: bot.botName,
    botExists: bot.botExists,
    registered: bot.isDataRetentionBotRegistered,
    active: bot.isBotActive,
    retentionEnabled: bot.isDataRetentionServiceEnabled,
    publicKeyAcknowledged: bot.isPubkeyMsgAcked,
  };
}

/**
 * GetNetwork and GetDataRetentionBot of the network, at once. The model lists ResourceNotFoundError for
 * GetDataRetentionBot: once GetNetwork found the network, that 404 means it has no bot.
 */
async function networkAndBot(client: WickrAdminClient, networkId: string): Promise<[WickrNetwork, DataRetentionBot]> {
  const noBot = (error: unknown): DataRetentionBot => {
    if (error instanceof WickrNotFoundError) return { botExists: false };
    throw error;
  };
  return Promise.all([client.getNetwork(networkId), client.getDataRetentionBot(networkId).catch(noBot)]);
}

export async function readWickrBot(client: WickrAdminClient, networkId: string): Promise<WickrBotState> {
  const [network, bot] = await networkAndBot(client, networkId);
  return wickrBotState(networkId, network, bot);
}

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

/** What GetDataRetentionBot said of the service, in words. */
const reported = (enabled: boolean | undefined) =>
  enabled === undefined ? 'does not say whether data retention is on' : `reports data retention ${onOff(enabled)}`;

/**
 * Turns the network's data retention on or off with UpdateDataRetention, then reads the
 * bot again and answers it. Before ENABLE, a public key message the API reports as not
 * acknowledged is acknowledged first (PUBKEY_MSG_ACK): the model documents that action only
 * as "acknowledge the public key message", and whether ENABLE needs it first is unconfirmed.
 * A ConflictError when the network has no bot, or when the API does not then report the new value.
 */
export async function changeRetention(
  client: WickrAdminClient,
  networkId: string,
  enabled: boolean,
): Promise<WickrBotState> {
  const [network, before] = await networkAndBot(client, networkId);
  if (before.botExists === false) {
    throw new ConflictError(`network ${networkId} has no data-retention bot: there is no data retention to turn ${onOff(enabled)}`);
  }
  if (enabled && before.isPubkeyMsgAcked === false) {
    await client.updateDataRetention(networkId, 'PUBKEY_MSG_ACK');
  }
  await client.updateDataRetention(networkId, enabled ? 'ENABLE' : 'DISABLE');
  const after = await client.getDataRetentionBot(networkId);
  if (after.isDataRetentionServiceEnabled !== enabled) {
    throw new ConflictError(
      `UpdateDataRetention ${enabled ? 'ENABLE' : 'DISABLE'} of network ${networkId} was accepted, but GetDataRetentionBot then ${reported(after.isDataRetentionServiceEnabled)}; read the state again in a moment`,
    );
  }
  return wickrBotState(networkId, network, after);
}

/** 502: the Wickr admin API failed, or refused the portal's credentials or request. */
export class BadGatewayError extends CustomErrorBase {
  name = 'BadGatewayError' as const;
  readonly statusCode = 502;
}

/**
 * A failure of the admin API as the route answers it, the call in one line (awsErrorLine):
 * 403 for a 403 (the line names whose credentials and the IAM action), 404 for a 404, 503
 * when still throttled after the SDK's retries, 400 for a value refused before any call,
 * 502 for anything else (5xx, 401, a refused request, no answer). Errors of the portal's
 * own (a ConflictError, say) pass as they are.
 */
export function wickrRouteError(error: unknown, what: string): Error {
  if (error instanceof ConflictError || error instanceof InputError) return error;
  const message = `could not ${what}: ${awsErrorLine(error)}`;
  if (error instanceof WickrForbiddenError) return new NotAllowedError(message);
  if (error instanceof WickrNotFoundError) return new NotFoundError(message);
  if (error instanceof WickrRateLimitError) return new ServiceUnavailableError(message);
  return new BadGatewayError(message);
}
