import type { WickrBotState } from '@internal/plugin-wickr-dr-common';
import { AwsClients, AwsTarget, DataRetentionBot, WickrAdminClient, WickrNetwork } from '@internal/plugin-wickr-dr-node';

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

/** GetNetwork and GetDataRetentionBot of the network, at once. */
export async function readWickrBot(client: WickrAdminClient, networkId: string): Promise<WickrBotState> {
  const [network, bot] = await Promise.all([client.getNetwork(networkId), client.getDataRetentionBot(networkId)]);
  return wickrBotState(networkId, network, bot);
}
