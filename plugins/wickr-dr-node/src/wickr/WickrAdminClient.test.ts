import { inspect } from 'node:util';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import {
  FakeWickrAdmin,
  FakeWickrNetwork,
  freeLoopbackPort,
  startFakeWickrAdmin,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AccountNotAllowedError, awsErrorLine } from '../awsErrors';
import { AwsClients, readAwsSettings, RetrySettings } from '../awsClients';
import {
  DataRetentionAction,
  WickrAdminClient,
  WickrApiError,
  WickrBadRequestError,
  WickrForbiddenError,
  WickrInputError,
  WickrNotFoundError,
  WickrRateLimitError,
  WickrServerError,
  WickrUnauthorizedError,
  WickrValidationError,
} from '.';

// Real HTTP and real SigV4 signing, with credentials from a real AwsClients (static test
// keys, no AWS), against the fake Wickr admin API of wickr-dr-common on 127.0.0.1.

const KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ACCOUNT = '111111111111';
const PREMIUM: FakeWickrNetwork = {
  networkId: '12345678',
  networkName: 'Compliance',
  accessLevel: 'PREMIUM',
  awsAccountId: ACCOUNT,
  standing: 1,
  migrationState: 2,
  encryptionKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k',
};
const STANDARD: FakeWickrNetwork = { networkId: '23456789', networkName: 'Trial', accessLevel: 'STANDARD', awsAccountId: ACCOUNT };

interface ClientOptions {
  retry?: RetrySettings;
  mainAccount?: object;
  roles?: Record<string, string>;
  wickrDr?: object;
  accountId?: string;
  /** The keys of aws.accounts[0] (ACCOUNT). Default: the main account's. */
  accountKeys?: object;
}

function awsClientsFor(fake: FakeWickrAdmin, options: ClientOptions = {}): AwsClients {
  const config = new ConfigReader({
    aws: { mainAccount: options.mainAccount ?? KEYS, accounts: [{ accountId: ACCOUNT, ...(options.accountKeys ?? KEYS) }] },
    wickrDr: options.wickrDr ?? { endpoints: { wickr: fake.endpoint }, retry: options.retry ?? { maxAttempts: 3, mode: 'standard' } },
  });
  const settings = readAwsSettings(config);
  return new AwsClients({
    credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
    ...settings,
    roles: options.roles ?? settings.roles,
  });
}

function clientFor(fake: FakeWickrAdmin, options: ClientOptions = {}): Promise<WickrAdminClient> {
  return WickrAdminClient.create(awsClientsFor(fake, options), { region: fake.region, accountId: options.accountId });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('WickrAdminClient', () => {
  jest.setTimeout(30_000);
  let fake: FakeWickrAdmin;
  beforeEach(async () => {
    fake = await startFakeWickrAdmin({ networks: [PREMIUM, STANDARD] });
  });
  afterEach(() => fake.stop());

  describe('the calls', () => {
    it('reads a network with every member the model names, optional ones included', async () => {
      const client = await clientFor(fake);
      expect(await client.getNetwork('12345678')).toEqual({
        networkId: '12345678',
        networkName: 'Compliance',
        accessLevel: 'PREMIUM',
        awsAccountId: ACCOUNT,
        networkArn: 'arn:aws:wickr:us-east-1:111111111111:network/12345678',
        standing: 1,
        migrationState: 2,
        encryptionKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k',
      });
      expect(fake.requests).toEqual([
        expect.objectContaining({ operation: 'GetNetwork', method: 'GET', path: '/networks/12345678', status: 200, signedRegion: 'us-east-1', signedService: 'wickr' }),
      ]);
    });

    it('lists every network over several pages, 100 a page', async () => {
      await fake.stop();
      const networks = Array.from({ length: 230 }, (_, i) => ({ ...STANDARD, networkId: String(10000000 + i), networkName: `n${i}` }));
      fake = await startFakeWickrAdmin({ networks });
      const client = await clientFor(fake);
      const listed = await client.listNetworks();
      expect(listed).toHaveLength(230);
      expect(new Set(listed.map(n => n.networkId)).size).toBe(230);
      expect(listed[0]).toEqual(expect.objectContaining({ networkName: expect.any(String), accessLevel: 'STANDARD', networkArn: expect.stringMatching(/^arn:/) }));
      const pages = fake.requests.map(r => r.query);
      expect(pages).toHaveLength(3);
      expect(pages.every(q => q.maxResults === '100')).toBe(true);
      expect(pages[0].nextToken).toBeUndefined();
      expect(pages[1].nextToken).toEqual(expect.any(String));
      expect(pages[2].nextToken).not.toBe(pages[1].nextToken);
    });

    it('takes a bot from creation to registration, retention on and off, and deletion', async () => {
      const client = await clientFor(fake);
      const before = await client.getDataRetentionBot('12345678');
      expect(before).toEqual({ botExists: false }); // the other members are unknown, not false

      await client.createDataRetentionBot('12345678');
      expect(await client.getDataRetentionBot('12345678')).toEqual({
        botName: 'compliance_12345678_bot',
        botExists: true,
        isBotActive: false,
        isDataRetentionBotRegistered: false,
        isDataRetentionServiceEnabled: false,
        isPubkeyMsgAcked: false,
      });

      const first = await client.createDataRetentionBotChallenge('12345678');
      const second = await client.createDataRetentionBotChallenge('12345678');
      expect(second.reveal()).not.toBe(first.reveal());
      expect(fake.state.botLogsIn('12345678', first.reveal())).toBe(false);
      expect(fake.state.botLogsIn('12345678', second.reveal())).toBe(true);
      expect(await client.getDataRetentionBot('12345678')).toMatchObject({ isDataRetentionBotRegistered: true, isBotActive: true });

      await client.updateDataRetention('12345678', 'PUBKEY_MSG_ACK');
      await client.updateDataRetention('12345678', 'ENABLE');
      expect(await client.getDataRetentionBot('12345678')).toMatchObject({ isPubkeyMsgAcked: true, isDataRetentionServiceEnabled: true });
      await client.updateDataRetention('12345678', 'DISABLE');
      expect(await client.getDataRetentionBot('12345678')).toMatchObject({ isDataRetentionServiceEnabled: false });

      await client.deleteDataRetentionBot('12345678');
      expect(await client.getDataRetentionBot('12345678')).toEqual({ botExists: false });
      expect(fake.requests.map(r => `${r.method} ${r.path} ${r.status}`)).toContain('PATCH /networks/12345678/data-retention-bots 200');
      expect(fake.requests.map(r => r.operation)).toEqual(expect.arrayContaining(['CreateDataRetentionBot', 'CreateDataRetentionBotChallenge', 'UpdateDataRetention', 'DeleteDataRetentionBot']));
    });

    it('checks networkId before any call, naming the field and the rule', async () => {
      const client = await clientFor(fake);
      for (const bad of ['1234567', '123456789', '1234567a', '../12345678', '', '12345678/challenge']) {
        const error = await failure(client.getDataRetentionBot(bad));
        expect(error).toBeInstanceOf(WickrInputError);
        expect(error).toBeInstanceOf(InputError);
        expect(error.name).toBe('InputError');
        expect(error.message).toMatch(/^networkId: must be an AWS Wickr network id: 8 digits; got /);
        expect((error as WickrInputError).reasons).toEqual([{ field: 'networkId', reason: 'must be an AWS Wickr network id: 8 digits' }]);
      }
      await expect(client.createDataRetentionBotChallenge(undefined as unknown as string)).rejects.toThrow(/^networkId: /);
      expect(fake.requests).toEqual([]);
    });

    it('checks actionType before any call', async () => {
      const client = await clientFor(fake);
      const error = await failure(client.updateDataRetention('12345678', 'TURN_ON' as DataRetentionAction));
      expect(error.message).toBe('actionType: must be one of ENABLE, DISABLE, PUBKEY_MSG_ACK; got "TURN_ON"');
      expect(fake.requests).toEqual([]);
    });
  });

  describe('where the calls go', () => {
    const regionalOnly = new ConfigReader({ aws: { mainAccount: KEYS } });

    it('uses wickrDr.endpoints.wickr over wickrDr.endpoint, else the regional endpoint', async () => {
      const both = awsClientsFor(fake, { wickrDr: { endpoint: 'http://127.0.0.1:9', endpoints: { wickr: fake.endpoint } } });
      expect((await WickrAdminClient.create(both, { region: 'us-east-1' })).endpoint).toBe(`${fake.endpoint}/`);
      const one = awsClientsFor(fake, { wickrDr: { endpoint: 'http://127.0.0.1:9' } });
      expect((await WickrAdminClient.create(one, { region: 'us-east-1' })).endpoint).toBe('http://127.0.0.1:9/');
      const regional = AwsClients.fromConfig(regionalOnly);
      expect((await WickrAdminClient.create(regional, { region: 'eu-west-2' })).endpoint).toBe('https://admin.wickr.eu-west-2.amazonaws.com/');
    });

    it('refuses a region that is not a Region name and an account that is not configured', async () => {
      const clients = AwsClients.fromConfig(regionalOnly);
      await expect(WickrAdminClient.create(clients, { region: 'evil.example/x' })).rejects.toThrow(
        'region: must be an AWS Region name such as us-east-1; got "evil.example/x"',
      );
      await expect(WickrAdminClient.create(clients, { region: 'us-east-1', accountId: '999999999999' })).rejects.toThrow(AccountNotAllowedError);
    });

    it("signs with the keys of the call's account in aws.accounts, not the main account's", async () => {
      await fake.stop();
      const accountKeys = { accessKeyId: 'AKIDACCOUNT111111111', secretAccessKey: 'the-account-secret' };
      fake = await startFakeWickrAdmin({ networks: [PREMIUM], credentials: accountKeys });
      expect((await (await clientFor(fake, { accountKeys, accountId: ACCOUNT })).getNetwork('12345678')).networkId).toBe('12345678');
      const main = await failure((await clientFor(fake, { accountKeys })).getNetwork('12345678'));
      expect(main).toBeInstanceOf(WickrUnauthorizedError);
      expect(main.message).toContain("the portal's main account (aws.mainAccount)");
      expect(fake.requests.map(r => r.status)).toEqual([200, 401]);
    });
  });

  describe('retries, by the SDK retry strategy', () => {
    it('retries a 429 no sooner than its Retry-After', async () => {
      const client = await clientFor(fake);
      fake.failNext('GetNetwork', { status: 429, retryAfterSeconds: 2 });
      expect((await client.getNetwork('12345678')).networkId).toBe('12345678');
      const [throttled, retried] = fake.requests;
      expect([throttled.status, retried.status]).toEqual([429, 200]);
      // The standard strategy's own throttling backoff is under 1 s on a first retry.
      expect(retried.receivedAt - throttled.receivedAt).toBeGreaterThanOrEqual(1800);
    });

    it('retries a throttled call in adaptive mode too', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 2, mode: 'adaptive' } });
      fake.failNext('ListNetworks', { status: 429, retryAfterSeconds: 0 });
      expect(await client.listNetworks()).toHaveLength(2);
      expect(fake.requests.map(r => r.status)).toEqual([429, 200]);
    });

    it('retries 5xx answers and reset connections, up to maxAttempts in all', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 3, mode: 'standard' } });
      fake.failNext('GetDataRetentionBot', { status: 500 });
      fake.failNext('GetDataRetentionBot', { status: 503, resetConnection: true });
      expect(await client.getDataRetentionBot('12345678')).toEqual({ botExists: false });
      expect(fake.requests.map(r => r.status)).toEqual([500, 0, 200]);

      fake.requests.length = 0;
      fake.failNext('GetNetwork', { status: 503, times: 5 });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrServerError);
      expect(fake.requests.map(r => r.status)).toEqual([503, 503, 503]);
    });

    it('never retries a 4xx other than 429', async () => {
      const client = await clientFor(fake);
      for (const status of [400, 401, 403, 404, 422]) {
        fake.requests.length = 0;
        fake.failNext('GetNetwork', { status });
        await expect(client.getNetwork('12345678')).rejects.toBeInstanceOf(WickrApiError);
        expect(fake.requests).toHaveLength(1);
      }
    });

    it('sends a create or a challenge once when the API may have acted on it, again when throttled or never sent', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 3, mode: 'standard' } });
      fake.failNext('CreateDataRetentionBot', { status: 500 });
      await expect(client.createDataRetentionBot('12345678')).rejects.toBeInstanceOf(WickrServerError);
      fake.failNext('CreateDataRetentionBot', { status: 503, resetConnection: true });
      await expect(client.createDataRetentionBot('12345678')).rejects.toThrow();
      fake.failNext('CreateDataRetentionBot', { status: 429, retryAfterSeconds: 0 });
      await client.createDataRetentionBot('12345678');
      fake.failNext('CreateDataRetentionBotChallenge', { status: 502 });
      await expect(client.createDataRetentionBotChallenge('12345678')).rejects.toBeInstanceOf(WickrServerError);
      fake.failNext('CreateDataRetentionBotChallenge', { status: 503, resetConnection: true });
      await expect(client.createDataRetentionBotChallenge('12345678')).rejects.toThrow();
      expect(fake.requests.map(r => `${r.operation} ${r.status}`)).toEqual([
        'CreateDataRetentionBot 500',
        'CreateDataRetentionBot 0',
        'CreateDataRetentionBot 429',
        'CreateDataRetentionBot 200',
        'CreateDataRetentionBotChallenge 502',
        'CreateDataRetentionBotChallenge 0',
      ]);

      const closedPort = await freeLoopbackPort();
      const refused = awsClientsFor(fake, { wickrDr: { endpoints: { wickr: `http://127.0.0.1:${closedPort}` }, retry: { maxAttempts: 2 } } });
      const error = await failure((await WickrAdminClient.create(refused, { region: 'us-east-1' })).createDataRetentionBot('12345678'));
      expect(awsErrorLine(error)).toMatch(/the connection was refused \(ECONNREFUSED\) \(2 attempts\)$/);
    });

    it('says in one line that the connection was refused, after its attempts', async () => {
      const closedPort = await freeLoopbackPort();
      const clients = awsClientsFor(fake, { wickrDr: { endpoints: { wickr: `http://127.0.0.1:${closedPort}` }, retry: { maxAttempts: 2 } } });
      const client = await WickrAdminClient.create(clients, { region: 'us-east-1' });
      const error = await failure(client.getNetwork('12345678'));
      expect(awsErrorLine(error)).toBe(`Wickr GetNetwork at http://127.0.0.1:${closedPort}/: the connection was refused (ECONNREFUSED) (2 attempts)`);
    });
  });

  describe('errors', () => {
    it('a 422 is a WickrValidationError whose message names the fields', async () => {
      const client = await clientFor(fake);
      const body = JSON.stringify({ message: 'Invalid request', reasons: [{ field: 'networkId', reason: 'must be 8 digits' }] });
      fake.failNext('GetNetwork', { status: 422, type: 'ValidationError', body });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrValidationError);
      expect((error as WickrValidationError).reasons).toEqual([{ field: 'networkId', reason: 'must be 8 digits' }]);
      expect(awsErrorLine(error)).toBe(
        `Wickr GetNetwork at ${fake.endpoint}/: ValidationError: Invalid request (networkId: must be 8 digits) (HTTP 422)`,
      );
    });

    it('an unknown network is a WickrNotFoundError', async () => {
      const client = await clientFor(fake);
      const error = await failure(client.getNetwork('87654321'));
      expect(error).toBeInstanceOf(WickrNotFoundError);
      expect(error).toMatchObject({ isNotFound: true, statusCode: 404, errorType: 'ResourceNotFoundError', operation: 'GetNetwork', endpoint: `${fake.endpoint}/` });
      expect(awsErrorLine(error)).toBe(`Wickr GetNetwork at ${fake.endpoint}/: ResourceNotFoundError: Network 87654321 not found (HTTP 404)`);
      expect(new WickrBadRequestError({ operation: 'x', endpoint: 'y', statusCode: 400, errorType: 'BadRequestError', message: 'm' }).isNotFound).toBe(false);
    });

    it('a 400 is a WickrBadRequestError, not a not-found', async () => {
      const client = await clientFor(fake);
      fake.failNext('GetNetwork', { status: 400 });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrBadRequestError);
      expect(error).toMatchObject({ isNotFound: false, statusCode: 400, errorType: 'BadRequestError' });
      expect(awsErrorLine(error)).toBe(`Wickr GetNetwork at ${fake.endpoint}/: BadRequestError: Injected fault: BadRequestError (HTTP 400)`);
    });

    it('a 403 says which account and role the call used, and the action it needs', async () => {
      const client = await clientFor(fake, { accountId: ACCOUNT, roles: { [ACCOUNT]: 'BackstageWickrDr' } });
      fake.failNext('CreateDataRetentionBot', { status: 403, body: JSON.stringify({ message: 'User is not authorized' }), type: 'ForbiddenError' });
      const error = await failure(client.createDataRetentionBot('12345678'));
      expect(error).toBeInstanceOf(WickrForbiddenError);
      expect(awsErrorLine(error)).toBe(
        `Wickr CreateDataRetentionBot at ${fake.endpoint}/: ForbiddenError: User is not authorized (HTTP 403); the call used the credentials of account 111111111111 (role BackstageWickrDr), which need the IAM action wickr:CreateDataRetentionBot`,
      );
    });

    it('a 401 for keys the API does not know says whose keys they were', async () => {
      const client = await clientFor(fake, { mainAccount: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'testing' } });
      const error = await failure(client.listNetworks());
      expect(error).toBeInstanceOf(WickrUnauthorizedError);
      expect(error.message).toBe(
        "The access key id is not known (HTTP 401); the call used the credentials of the portal's main account (aws.mainAccount), which the API did not accept",
      );
    });

    it('a request signed with the wrong secret is refused by the fake (403), and not retried', async () => {
      const client = await clientFor(fake, { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'not-the-secret' } });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrForbiddenError);
      expect(error.message).toMatch(/^The request signature we calculated does not match/);
      expect(fake.requests).toHaveLength(1);
    });

    it('a 500 is a WickrServerError; a 429 past the attempts a WickrRateLimitError', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 1, mode: 'standard' } });
      fake.failNext('GetNetwork', { status: 500 });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrServerError);
      expect(awsErrorLine(error)).toBe(`Wickr GetNetwork at ${fake.endpoint}/: InternalServerError: Injected fault: InternalServerError (HTTP 500)`);
      fake.failNext('GetNetwork', { status: 429 });
      await expect(client.getNetwork('12345678')).rejects.toBeInstanceOf(WickrRateLimitError);
    });

    it("takes the type from x-amzn-ErrorType without its suffix, else from the body's __type or code, else the status", async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 1, mode: 'standard' } });
      const typeOf = async (fault: Parameters<FakeWickrAdmin['failNext']>[1]) => {
        fake.failNext('GetNetwork', fault);
        return ((await failure(client.getNetwork('12345678'))) as WickrApiError).errorType;
      };
      expect(await typeOf({ status: 400, type: 'BadRequestError:http://internal.amazon.com/coral/com.amazon.wickr/' })).toBe('BadRequestError');
      expect(await typeOf({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.wickr#BadRequestError', message: 'm' }) })).toBe('BadRequestError');
      expect(await typeOf({ status: 400, body: JSON.stringify({ code: 'BadRequestError' }) })).toBe('BadRequestError');
      expect(await typeOf({ status: 409, body: JSON.stringify({ message: 'conflict' }) })).toBe('HTTP 409');
      const error = await failure(client.getNetwork('87654321'));
      expect(error.name).toBe('ResourceNotFoundError');
    });

    it('an HTML error page is one clear line, not a parser complaint', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 2, mode: 'standard' } });
      const page = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>';
      fake.failNext('GetNetwork', { status: 502, body: page, times: 2 });
      const error = await failure(client.getNetwork('12345678'));
      expect(error).toBeInstanceOf(WickrServerError);
      expect(awsErrorLine(error)).toBe(`Wickr GetNetwork at ${fake.endpoint}/: HTTP 502 with a body that is not an AWS answer: "502 Bad Gateway" (2 attempts)`);
      expect(fake.requests).toHaveLength(2);
    });
  });

  describe('the challenge', () => {
    it('never shows in a string, JSON, inspection, the fake’s requests or an error', async () => {
      const client = await clientFor(fake);
      await client.createDataRetentionBot('12345678');
      const challenge = await client.createDataRetentionBotChallenge('12345678');
      const value = challenge.reveal();
      expect(value).toMatch(/^[A-Za-z0-9]{24}$/);
      const shown = [
        String(challenge),
        `${challenge}`,
        JSON.stringify(challenge),
        JSON.stringify({ challenge }),
        inspect(challenge),
        inspect({ challenge }, { depth: 5, showHidden: true }),
        inspect(client, { depth: 5, showHidden: true }),
        JSON.stringify(fake.requests),
      ];
      for (const text of shown) expect(text).not.toContain(value);
      expect(String(challenge)).toBe('[sensitive value]');
    });

    it('an answer that is not the expected JSON is not quoted in the error', async () => {
      const client = await clientFor(fake, { retry: { maxAttempts: 1, mode: 'standard' } });
      await client.createDataRetentionBot('12345678');
      fake.failNext('CreateDataRetentionBotChallenge', { status: 200, body: 'challenge=Abcdefghijklmnopqrstuvwx' });
      const unreadable = await failure(client.createDataRetentionBotChallenge('12345678'));
      fake.failNext('CreateDataRetentionBotChallenge', { status: 200, body: '{"challenge":' + '"Abcdefghijklmnopqrstuvwx"' });
      const truncated = await failure(client.createDataRetentionBotChallenge('12345678'));
      fake.failNext('CreateDataRetentionBotChallenge', { status: 200, body: '{}' });
      const empty = await failure(client.createDataRetentionBotChallenge('12345678'));
      for (const error of [unreadable, truncated, empty]) {
        expect(awsErrorLine(error)).toBe(
          `Wickr CreateDataRetentionBotChallenge at ${fake.endpoint}/: HTTP 200 with an answer that is not the expected JSON (not quoted: it may hold a secret)`,
        );
        expect(inspect(error, { showHidden: true, depth: 5 })).not.toContain('Abcdefghijklmnopqrstuvwx');
      }
    });
  });
});
