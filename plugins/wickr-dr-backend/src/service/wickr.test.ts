// The Wickr side of the REST API on the real backend (startTestBackend): the live state's
// wickr part, against the fake Wickr admin API of
// @internal/plugin-wickr-dr-common/testUtils on loopback (it checks every request's SigV4
// signature; it is started with requirePubkeyAckBeforeEnable, so an ENABLE without the
// acknowledgement first fails) through the real WickrAdminClient. The stack is in
// moto_server, behind a recording proxy that tells whether a request made any other AWS
// call. Some tests make the fake answer GetDataRetentionBot with a canned 200 body
// (failNext), for answers the fake never gives by itself (members left out). The catalog
// is catalogServiceMock and the permission policy a mock that answers per entity.
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
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
} from '@internal/plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  FakeWickrNetwork,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startFakeWickrAdmin,
  startMoto,
} from '@internal/plugin-wickr-dr-common/testUtils';
import { AwsClients, WickrAdminClient } from '@internal/plugin-wickr-dr-node';
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
});
