import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { AwsClients, AwsTarget } from '../awsClients';
import { unreadableAnswerError, WickrInputError } from './errors';
import { SensitiveValue } from './sensitiveValue';
import { WickrRequest, WickrTransport } from './transport';

/** The admin API operations this client sends (the IAM test grants `wickr:<Operation>` for each). */
export const WICKR_OPERATIONS = [
  'ListNetworks',
  'GetNetwork',
  'GetDataRetentionBot',
  'CreateDataRetentionBot',
  'CreateDataRetentionBotChallenge',
  'UpdateDataRetention',
  'DeleteDataRetentionBot',
] as const;

export type WickrOperation = (typeof WICKR_OPERATIONS)[number];

export interface WickrNetwork {
  networkId: string;
  networkName: string;
  accessLevel: 'STANDARD' | 'PREMIUM' | string;
  awsAccountId: string;
  networkArn: string;
  standing?: number;
  freeTrialExpiration?: string;
  migrationState?: number;
  encryptionKeyArn?: string;
}

/** Every member optional: a missing one means unknown, not false. */
export interface DataRetentionBot {
  botName?: string;
  botExists?: boolean;
  isBotActive?: boolean;
  isDataRetentionBotRegistered?: boolean;
  isDataRetentionServiceEnabled?: boolean;
  isPubkeyMsgAcked?: boolean;
}

type OperationRequest = WickrRequest & { operation: WickrOperation };

export type DataRetentionAction = 'ENABLE' | 'DISABLE' | 'PUBKEY_MSG_ACK';

const DATA_RETENTION_ACTIONS: readonly string[] = ['ENABLE', 'DISABLE', 'PUBKEY_MSG_ACK'];
const NETWORK_ID = new RegExp(deploymentFieldRules.networkId.pattern);
/** A Region name such as us-east-1 or us-gov-west-1: it goes into the endpoint's host name. */
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

const NETWORK_MEMBERS = {
  string: ['networkId', 'networkName', 'accessLevel', 'awsAccountId', 'networkArn', 'freeTrialExpiration', 'encryptionKeyArn'],
  number: ['standing', 'migrationState'],
} as const;
const BOT_MEMBERS = {
  string: ['botName'],
  boolean: ['botExists', 'isBotActive', 'isDataRetentionBotRegistered', 'isDataRetentionServiceEnabled', 'isPubkeyMsgAcked'],
} as const;

/**
 * A client of the AWS Wickr admin API (service `wickr`, version 2024-02-01), which has
 * no JavaScript SDK client: the calls the data-retention bot needs, signed with the
 * credentials AwsClients gives for an allowed account, retried by the SDK's strategy.
 * Failures are WickrApiErrors (see ./errors) that awsErrorLine renders in one line.
 */
export class WickrAdminClient {
  /**
   * For an account (the main one if unset) and region. The endpoint is
   * `wickrDr.endpoints.wickr`, else `wickrDr.endpoint`, else https://admin.wickr.<region>.amazonaws.com.
   */
  static async create(awsClients: AwsClients, target: AwsTarget): Promise<WickrAdminClient> {
    if (!REGION.test(target.region ?? '')) throw new WickrInputError('region', 'an AWS Region name such as us-east-1', target.region);
    const config = await awsClients.clientConfig(target, 'wickr');
    const transport = new WickrTransport({
      endpoint: config.endpoint ?? `https://admin.wickr.${target.region}.amazonaws.com`,
      region: target.region,
      credentials: config.credentials as AwsCredentialIdentityProvider,
      retry: { maxAttempts: config.maxAttempts, mode: config.retryMode },
      userAgent: config.customUserAgent,
      identity: awsClients.describeIdentity(target),
    });
    return new WickrAdminClient(transport);
  }

  private constructor(private readonly transport: WickrTransport) {}

  /** Where the calls go. */
  get endpoint(): string {
    return this.transport.endpoint;
  }

  /** Every network of the account in the region, all pages (100 a page). */
  async listNetworks(): Promise<WickrNetwork[]> {
    const networks: WickrNetwork[] = [];
    let nextToken: string | undefined;
    do {
      const query: Record<string, string> = { maxResults: '100', ...(nextToken && { nextToken }) };
      const page = await this.send({ operation: 'ListNetworks', method: 'GET', path: '/networks', query });
      networks.push(...(Array.isArray(page.networks) ? page.networks : []).map(networkOf));
      nextToken = typeof page.nextToken === 'string' && page.nextToken ? page.nextToken : undefined;
    } while (nextToken);
    return networks;
  }

  async getNetwork(networkId: string): Promise<WickrNetwork> {
    return networkOf(await this.send({ operation: 'GetNetwork', method: 'GET', path: networkPath(networkId) }));
  }

  async getDataRetentionBot(networkId: string): Promise<DataRetentionBot> {
    const answer = await this.send({ operation: 'GetDataRetentionBot', method: 'GET', path: botPath(networkId) });
    return membersOf(answer, BOT_MEMBERS) as DataRetentionBot;
  }

  /** Not idempotent, so not retried once sent: after a failure, ask getDataRetentionBot whether the bot exists. */
  async createDataRetentionBot(networkId: string): Promise<void> {
    await this.send({ operation: 'CreateDataRetentionBot', method: 'POST', path: botPath(networkId), notIdempotent: true });
  }

  /** A new initial password for the bot; the previous one stops working. Not retried once sent. */
  async createDataRetentionBotChallenge(networkId: string): Promise<SensitiveValue> {
    const request: OperationRequest = {
      operation: 'CreateDataRetentionBotChallenge',
      method: 'POST',
      path: `${botPath(networkId)}/challenge`,
      sensitiveAnswer: true,
      notIdempotent: true,
    };
    const { challenge } = await this.send(request);
    if (typeof challenge !== 'string' || !challenge) {
      throw unreadableAnswerError({ operation: request.operation, endpoint: this.endpoint }, 200, '', true);
    }
    return new SensitiveValue(challenge);
  }

  async updateDataRetention(networkId: string, actionType: DataRetentionAction): Promise<void> {
    if (!DATA_RETENTION_ACTIONS.includes(actionType)) {
      throw new WickrInputError('actionType', `one of ${DATA_RETENTION_ACTIONS.join(', ')}`, actionType);
    }
    await this.send({ operation: 'UpdateDataRetention', method: 'PATCH', path: botPath(networkId), body: { actionType } });
  }

  async deleteDataRetentionBot(networkId: string): Promise<void> {
    await this.send({ operation: 'DeleteDataRetentionBot', method: 'DELETE', path: botPath(networkId) });
  }

  private send(request: OperationRequest): Promise<Record<string, unknown>> {
    return this.transport.send(request);
  }
}

function networkPath(networkId: string): string {
  if (typeof networkId !== 'string' || !NETWORK_ID.test(networkId)) {
    throw new WickrInputError('networkId', deploymentFieldRules.networkId.rule, networkId);
  }
  return `/networks/${networkId}`;
}

function botPath(networkId: string): string {
  return `${networkPath(networkId)}/data-retention-bots`;
}

function networkOf(raw: unknown): WickrNetwork {
  return membersOf(raw, NETWORK_MEMBERS) as unknown as WickrNetwork;
}

type MemberTypes = { readonly string?: readonly string[]; readonly number?: readonly string[]; readonly boolean?: readonly string[] };

/** The members of the model's shape that have its type; anything else in the answer is dropped. */
function membersOf(raw: unknown, types: MemberTypes): Record<string, unknown> {
  const answer = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const members: Record<string, unknown> = {};
  for (const [type, names] of Object.entries(types)) {
    for (const name of names as readonly string[]) {
      if (typeof answer[name] === type) members[name] = answer[name];
    }
  }
  return members;
}
