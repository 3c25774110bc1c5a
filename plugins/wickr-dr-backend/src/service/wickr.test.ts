// The Wickr side of the REST API on the real backend (startTestBackend): GET /v1/networks,
// the live state's wickr part and POST .../retention, against the fake Wickr admin API of
// @wickr-dr/backstage-plugin-wickr-dr-common/testUtils on loopback (it checks every request's SigV4
// signature; it is started with requirePubkeyAckBeforeEnable, so an ENABLE without the
// acknowledgement first fails) through the real WickrAdminClient. The stack is in
// moto_server, behind a recording proxy that tells whether a request made any other AWS
// call. Some tests make the fake answer GetDataRetentionBot with a canned 200 body
// (failNext), for answers the fake never gives by itself (members left out). The catalog
// is catalogServiceMock and the permission policy a mock that answers per entity.
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizePermissionRequest, AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEPLOYMENT_TAG,
  deploymentEntity,
  DeploymentState,
  discoveryLocation,
  NETWORK_TAG,
  OWNER_TAG,
  WICKR_REGIONS,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  FakeWickrNetwork,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AwsClients, WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import request from 'supertest';
import { RecordingProxy, startRecordingProxy } from '../__testUtils__/recordingProxy';
import { wickrDrPlugin } from '../plugin';

const REGION = 'eu-west-2';
const OWNERS = 'group:default/platform-team';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const as = (user: string) => ({ Authorization: mockCredentials.user.header(user) });

const ACME = '12345678';
const TRIAL = '87654321';
const BOT_NAME = `compliance_${ACME}_bot`;
const network = (networkId: string, networkName: string, accessLevel: 'STANDARD' | 'PREMIUM'): FakeWickrNetwork => ({
  networkId,
  networkName,
  accessLevel,
  awsAccountId: MOTO_ACCOUNT_ID,
});
/** Acme (with the bot), Trial (no bot) and 203 more: three pages of ListNetworks at 100 a page. */
const NETWORKS = [
  network(ACME, 'Acme', 'PREMIUM'),
  network(TRIAL, 'Trial', 'STANDARD'),
  ...Array.from({ length: 203 }, (_, i) => network(String(20_000_000 + i), `Team ${i}`, 'PREMIUM')),
];

const AWS_CONFIG = {
  // Static keys for the main account and moto's, so that no credential lookup leaves loopback.
  mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  accounts: [{ accountId: MOTO_ACCOUNT_ID, accessKeyId: 'testing', secretAccessKey: 'testing' }],
};

/** A deployment's entity as discovery makes it from its stack's tags. */
function discovered(stackArn: string, tags: Record<string, string>): Entity {
  return deploymentEntity(
    { stackArn, stackName: stackArn.split('/')[1], tags: { [OWNER_TAG]: OWNERS, ...tags }, outputs: {} },
    { location: discoveryLocation({ accountId: MOTO_ACCOUNT_ID, region: REGION }), defaultOwner: OWNERS },
  );
}

const arnOf = (stackName: string, n: number) =>
  `arn:aws:cloudformation:${REGION}:${MOTO_ACCOUNT_ID}:stack/${stackName}/5f6e7d8c-0000-4000-8000-00000000000${n}`;

/** A stack whose bot is in no network: no wickr-dr:network tag. */
const withoutNetwork = discovered(arnOf('wickr-dr-plain', 1), { [DEPLOYMENT_TAG]: 'plain' });
/** A stack naming the Standard network, which has no bot. */
const inTrial = discovered(arnOf('wickr-dr-trial', 2), { [DEPLOYMENT_TAG]: 'trial', [NETWORK_TAG]: TRIAL });

/** Everyone may read; only Alice, who is in the owning group, may do the rest. */
function ownerPolicy() {
  return mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const user = (options?.credentials.principal as BackstageUserPrincipal).userEntityRef;
      return (requests as AuthorizePermissionRequest[]).map(r => ({
        result:
          r.permission.name === 'wickr-dr.deployment.read' || user === ALICE ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }));
    },
  });
}

describe('the Wickr admin API in the REST API', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let proxy: RecordingProxy;
  let prod: Entity;
  let fake: FakeWickrAdmin;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let permissions: ReturnType<typeof ownerPolicy>;

  const config = () => ({ aws: AWS_CONFIG, wickrDr: { endpoint: proxy.endpoint, endpoints: { wickr: fake.endpoint } } });

  /** The test's own admin client, as a network admin would act in the console. */
  const admin = () =>
    WickrAdminClient.create(AwsClients.fromConfig(new ConfigReader(config())), { accountId: MOTO_ACCOUNT_ID, region: REGION });

  /** A bot made in the network, which logged in with its challenge: registered and active, retention off, key not acknowledged. */
  async function seedRegisteredBot(networkId: string) {
    const client = await admin();
    await client.createDataRetentionBot(networkId);
    const challenge = await client.createDataRetentionBotChallenge(networkId);
    expect(fake.state.botLogsIn(networkId, challenge.reveal())).toBe(true);
    fake.requests.length = 0;
  }

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startRecordingProxy(moto.endpoint);
    const cloudformation = new CloudFormationClient(motoClientConfig(moto, REGION));
    await cloudformation.send(
      new CreateStackCommand({
        StackName: 'wickr-dr-prod',
        TemplateBody: JSON.stringify({ Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } } }),
        Tags: [
          { Key: DEPLOYMENT_TAG, Value: 'prod' },
          { Key: NETWORK_TAG, Value: ACME },
        ],
      }),
    );
    const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0];
    prod = discovered(stack.StackId!, { [DEPLOYMENT_TAG]: 'prod', [NETWORK_TAG]: ACME });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  beforeEach(async () => {
    fake = await startFakeWickrAdmin({ networks: NETWORKS, region: REGION, requirePubkeyAckBeforeEnable: true });
    await seedRegisteredBot(ACME);
    permissions = ownerPolicy();
    backend = await startTestBackend({
      features: [
        wickrDrPlugin,
        catalogServiceMock.factory({ entities: [prod, withoutNetwork, inTrial] }),
        mockServices.rootConfig.factory({ data: config() }),
        permissions.factory,
      ],
    });
  });
  afterEach(async () => {
    await backend?.stop();
    await fake?.stop();
  });

  /** The requests `send` made to the Wickr API and to every other AWS service. */
  async function callsOf(send: () => Promise<unknown>) {
    const before = { wickr: fake.requests.length, aws: proxy.calls.length };
    await send();
    return {
      wickr: fake.requests.slice(before.wickr).map(r => `${r.method} ${r.operation}`),
      aws: proxy.calls.slice(before.aws),
    };
  }

  const urlOf = (entity: Entity, path: string) =>
    `/api/wickr-dr/v1/deployments/default/${entity.metadata.name}/${path}`;
  const refOf = (entity: Entity) => stringifyEntityRef(entity);

  describe('GET /v1/networks', () => {
    const list = (query: string) => request(backend.server).get(`/api/wickr-dr/v1/networks?${query}`).set(as(BOB));

    it('lists every network of the account and region, all pages, as ids, names and access levels only', async () => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await list(`accountId=${MOTO_ACCOUNT_ID}&region=${REGION}`)));

      expect([res!.status, res!.body.error?.message]).toEqual([200, undefined]);
      expect(res!.body.networks).toHaveLength(NETWORKS.length);
      expect(res!.body.networks).toEqual(
        expect.arrayContaining([
          { networkId: ACME, networkName: 'Acme', accessLevel: 'PREMIUM' },
          { networkId: TRIAL, networkName: 'Trial', accessLevel: 'STANDARD' },
        ]),
      );
      expect(new Set(res!.body.networks.map((n: { networkId: string }) => n.networkId)).size).toBe(NETWORKS.length);
      expect(JSON.stringify(res!.body)).not.toMatch(/arn:aws|awsAccountId/);
      expect(calls.wickr).toEqual(['GET ListNetworks', 'GET ListNetworks', 'GET ListNetworks']);
      expect(fake.requests.map(r => r.signedRegion)).toEqual([REGION, REGION, REGION]);
      expect(calls.aws).toEqual([]);
    });

    it("lists the main account's networks when no account is given", async () => {
      const res = await list(`region=${REGION}`);
      expect(res.status).toBe(200);
      expect(res.body.networks).toHaveLength(NETWORKS.length);
    });

    it.each([
      [
        'an account that is not configured',
        `accountId=999999999999&region=${REGION}`,
        `accountId: 999999999999 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (${MOTO_ACCOUNT_ID}), or empty for the main account`,
      ],
      [
        'an account id that is not 12 digits',
        `accountId=12345&region=${REGION}`,
        'accountId: must be a 12-digit AWS account id, or absent for the main account',
      ],
      [
        'two account ids',
        `accountId=${MOTO_ACCOUNT_ID}&accountId=999999999999&region=${REGION}`,
        'accountId: must be given once, as a single value',
      ],
      [
        'a region that is not a Wickr Region',
        `accountId=${MOTO_ACCOUNT_ID}&region=eu-central-1`,
        `region: must be one of the AWS Wickr Regions: ${WICKR_REGIONS.join(', ')}`,
      ],
      ['no region', `accountId=${MOTO_ACCOUNT_ID}`, `region: must be one of the AWS Wickr Regions: ${WICKR_REGIONS.join(', ')}`],
    ])('refuses %s with 400 naming the field, before any call', async (_, query, message) => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await list(query)));

      expect(res!.status).toBe(400);
      expect(res!.body.error.message).toBe(message);
      expect(calls).toEqual({ wickr: [], aws: [] });
    });

    it("answers the API's 403 with 403, naming the call, the endpoint, the account and the IAM action", async () => {
      fake.failNext('ListNetworks', {
        status: 403,
        type: 'ForbiddenError',
        body: JSON.stringify({ message: 'User is not authorized to perform this action' }),
      });

      const res = await list(`accountId=${MOTO_ACCOUNT_ID}&region=${REGION}`);

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `could not list the Wickr networks of account ${MOTO_ACCOUNT_ID} in ${REGION}: Wickr ListNetworks at ${fake.endpoint}/: ForbiddenError: User is not authorized to perform this action (HTTP 403); the call used the credentials of account ${MOTO_ACCOUNT_ID} (its own keys or profile), which need the IAM action wickr:ListNetworks`,
      );
    });

    it("answers the API's 5xx with 502 in one line", async () => {
      fake.failNext('ListNetworks', { status: 500 });

      const res = await list(`accountId=${MOTO_ACCOUNT_ID}&region=${REGION}`);

      expect(res.status).toBe(502);
      expect(res.body.error.message).toMatch(
        new RegExp(`^could not list the Wickr networks of account ${MOTO_ACCOUNT_ID} in ${REGION}: Wickr ListNetworks at ${fake.endpoint}/: InternalServerError: .*\\(HTTP 500\\)$`),
      );
      expect(res.body.error.message).not.toContain('\n');
    });

    it('answers 401 without Backstage credentials', async () => {
      const started = await startTestBackend({
        features: [
          wickrDrPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({ data: config() }),
          mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        ],
      });
      try {
        expect((await request(started.server).get(`/api/wickr-dr/v1/networks?region=${REGION}`)).status).toBe(401);
        expect(fake.requests).toEqual([]);
      } finally {
        await started.stop();
      }
    });
  });

  describe("the live state's wickr part", () => {
    const state = async (entity: Entity): Promise<DeploymentState> => {
      const res = await request(backend.server).get(urlOf(entity, 'state')).set(as(BOB));
      expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
      return res.body;
    };

    it("shows the network and the bot registered (the console's green mark), retention off, the key not acknowledged", async () => {
      let body: DeploymentState | undefined;
      const calls = await callsOf(async () => (body = await state(prod)));

      expect(body!.wickr).toEqual({
        value: {
          networkId: ACME,
          networkName: 'Acme',
          accessLevel: 'PREMIUM',
          botName: BOT_NAME,
          botExists: true,
          registered: true,
          active: true,
          retentionEnabled: false,
          publicKeyAcknowledged: false,
        },
      });
      expect(calls.wickr.sort()).toEqual(['GET GetDataRetentionBot', 'GET GetNetwork']);
      expect(body!.stack.status).toBe('CREATE_COMPLETE');
    });

    it('shows retention on once a network admin turned it on', async () => {
      const client = await admin();
      await client.updateDataRetention(ACME, 'PUBKEY_MSG_ACK');
      await client.updateDataRetention(ACME, 'ENABLE');

      expect((await state(prod)).wickr).toEqual({
        value: expect.objectContaining({ retentionEnabled: true, publicKeyAcknowledged: true, registered: true }),
      });
    });

    it('shows a network without a bot', async () => {
      expect((await state(inTrial)).wickr).toEqual({
        value: { networkId: TRIAL, networkName: 'Trial', accessLevel: 'STANDARD', botExists: false },
      });
    });

    it('shows a network without a bot when GetDataRetentionBot answers 404 for it', async () => {
      fake.failNext('GetDataRetentionBot', { status: 404 });

      expect((await state(inTrial)).wickr).toEqual({
        value: { networkId: TRIAL, networkName: 'Trial', accessLevel: 'STANDARD', botExists: false },
      });
    });

    it('leaves the flags the API does not report unknown, never false', async () => {
      fake.failNext('GetDataRetentionBot', { status: 200, body: JSON.stringify({ botName: BOT_NAME, botExists: true }) });

      const { wickr } = await state(prod);

      expect(wickr).toEqual({
        value: { networkId: ACME, networkName: 'Acme', accessLevel: 'PREMIUM', botName: BOT_NAME, botExists: true },
      });
      // toEqual overlooks members that are undefined: the answer must not carry the flags at all.
      const value = wickr && 'value' in wickr ? wickr.value : null;
      expect(Object.keys(value ?? {}).sort()).toEqual(['accessLevel', 'botExists', 'botName', 'networkId', 'networkName']);
    });

    it('is null, and calls nothing, when the stack names no network', async () => {
      let body: DeploymentState | undefined;
      const calls = await callsOf(async () => (body = await state(withoutNetwork)));

      expect(body!.wickr).toEqual({ value: null });
      expect(calls.wickr).toEqual([]);
    });

    it('says in one line why the API could not be read, and still shows the other parts', async () => {
      fake.failNext('GetNetwork', { status: 403 });

      const body = await state(prod);

      expect(body.wickr).toEqual({
        error: `Wickr GetNetwork at ${fake.endpoint}/: ForbiddenError: Injected fault: ForbiddenError (HTTP 403); the call used the credentials of account ${MOTO_ACCOUNT_ID} (its own keys or profile), which need the IAM action wickr:GetNetwork`,
      });
      expect(body.stack.status).toBe('CREATE_COMPLETE');
      expect(body.alarms).toEqual({ value: { total: 0, inAlarm: [] } });
    });
  });

  describe('POST /v1/deployments/:namespace/:name/retention', () => {
    const turn = (entity: Entity, body: unknown, user = ALICE) =>
      request(backend.server).post(urlOf(entity, 'retention')).set(as(user)).send(body as object);

    it('lets the owner turn retention on: the key acknowledged first, then ENABLE, then the bot read again', async () => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(prod, { enabled: true })));

      expect([res!.status, res!.body.error?.message]).toEqual([200, undefined]);
      expect(res!.body).toEqual({
        networkId: ACME,
        networkName: 'Acme',
        accessLevel: 'PREMIUM',
        botName: BOT_NAME,
        botExists: true,
        registered: true,
        active: true,
        retentionEnabled: true,
        publicKeyAcknowledged: true,
      });
      expect(fake.state.bot(ACME)).toMatchObject({ retentionEnabled: true, pubkeyAcked: true });
      // The fake refuses ENABLE before PUBKEY_MSG_ACK: two updates, in that order, or no success.
      expect(calls.wickr.slice(2)).toEqual(['PATCH UpdateDataRetention', 'PATCH UpdateDataRetention', 'GET GetDataRetentionBot']);
      expect(calls.wickr.slice(0, 2).sort()).toEqual(['GET GetDataRetentionBot', 'GET GetNetwork']);
      expect(calls.aws).toEqual([]);
      const asked = permissions.authorize.mock.calls.flatMap(([requests]) => requests as AuthorizePermissionRequest[]);
      expect(asked).toEqual([expect.objectContaining({ resourceRef: refOf(prod), permission: expect.objectContaining({ name: 'wickr-dr.bot.operate' }) })]);
    });

    it('sends ENABLE alone when the key is already acknowledged, and turns retention off with DISABLE', async () => {
      await (await admin()).updateDataRetention(ACME, 'PUBKEY_MSG_ACK');
      fake.requests.length = 0;

      const on = await callsOf(async () => expect((await turn(prod, { enabled: true })).body.retentionEnabled).toBe(true));
      expect(on.wickr.filter(c => c.startsWith('PATCH'))).toHaveLength(1);

      const off = await callsOf(async () => {
        const res = await turn(prod, { enabled: false });
        expect([res.status, res.body.retentionEnabled]).toEqual([200, false]);
      });
      expect(off.wickr.filter(c => c.startsWith('PATCH'))).toHaveLength(1);
      expect(fake.state.bot(ACME)).toMatchObject({ retentionEnabled: false });
    });

    it('refuses a non-owner with 403, before any call', async () => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(prod, { enabled: true }, BOB)));

      expect(res!.status).toBe(403);
      expect(res!.body.error.message).toBe(
        `not allowed to turn the data retention of ${refOf(prod)}'s bot on or off (wickr-dr.bot.operate)`,
      );
      expect(calls).toEqual({ wickr: [], aws: [] });
      expect(fake.state.bot(ACME)).toMatchObject({ retentionEnabled: false });
    });

    it.each([
      ['a string', { enabled: 'true' }],
      ['no value', {}],
      ['null', { enabled: null }],
    ])('refuses enabled as %s with 400 naming the field, before any call', async (_, body) => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(prod, body)));

      expect(res!.status).toBe(400);
      expect(res!.body.error.message).toBe('enabled: must be a boolean (true or false) in a JSON body');
      expect(calls).toEqual({ wickr: [], aws: [] });
    });

    it('answers 409 for a deployment whose stack names no network, before any call', async () => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(withoutNetwork, { enabled: true })));

      expect(res!.status).toBe(409);
      expect(res!.body.error.message).toBe(
        `${refOf(withoutNetwork)} has no Wickr network: its stack has no wickr-dr:network tag naming one (8 digits), so there is no data retention to turn on`,
      );
      expect(calls).toEqual({ wickr: [], aws: [] });
    });

    it('answers 409 for a network without a bot, and changes nothing', async () => {
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(inTrial, { enabled: true })));

      expect(res!.status).toBe(409);
      expect(res!.body.error.message).toBe(
        `network ${TRIAL} has no data-retention bot: there is no data retention to turn on`,
      );
      expect(calls.wickr.filter(c => c.startsWith('PATCH'))).toEqual([]);
    });

    it('answers 409 for a network whose GetDataRetentionBot answers 404, and changes nothing', async () => {
      fake.failNext('GetDataRetentionBot', { status: 404 });
      let res: request.Response | undefined;
      const calls = await callsOf(async () => (res = await turn(inTrial, { enabled: true })));

      expect(res!.status).toBe(409);
      expect(res!.body.error.message).toBe(`network ${TRIAL} has no data-retention bot: there is no data retention to turn on`);
      expect(calls.wickr.filter(c => c.startsWith('PATCH'))).toEqual([]);
    });

    it('answers 409 when the API then does not report the new value', async () => {
      await (await admin()).updateDataRetention(ACME, 'PUBKEY_MSG_ACK');
      // Before and after the ENABLE, GetDataRetentionBot still says off.
      const stale = { botName: BOT_NAME, botExists: true, isPubkeyMsgAcked: true, isDataRetentionServiceEnabled: false };
      fake.failNext('GetDataRetentionBot', { status: 200, body: JSON.stringify(stale), times: 2 });

      const res = await turn(prod, { enabled: true });

      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe(
        `UpdateDataRetention ENABLE of network ${ACME} was accepted, but GetDataRetentionBot then reports data retention off; read the state again in a moment`,
      );
    });

    it('answers 409 when the API then does not say at all', async () => {
      await (await admin()).updateDataRetention(ACME, 'PUBKEY_MSG_ACK');
      fake.failNext('GetDataRetentionBot', { status: 200, body: JSON.stringify({ botExists: true }), times: 2 });

      const res = await turn(prod, { enabled: true });

      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('GetDataRetentionBot then does not say whether data retention is on');
    });

    it("answers the API's 403 with 403 naming the account and the IAM action", async () => {
      fake.failNext('UpdateDataRetention', { status: 403 });

      const res = await turn(prod, { enabled: false });

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `could not turn data retention off in network ${ACME} of ${refOf(prod)}: Wickr UpdateDataRetention at ${fake.endpoint}/: ForbiddenError: Injected fault: ForbiddenError (HTTP 403); the call used the credentials of account ${MOTO_ACCOUNT_ID} (its own keys or profile), which need the IAM action wickr:UpdateDataRetention`,
      );
    });
  });
});
