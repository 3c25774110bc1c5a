// The REST API on the real backend (startTestBackend) against a deployment created in
// moto_server on loopback (real SDK for CloudFormation, ECS and CloudWatch). A recording
// proxy in front of moto tells which AWS calls a request made. The catalog is
// catalogServiceMock and the permission policy a mock that answers per entity.
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizePermissionRequest, AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  deploymentEntity,
  deploymentEntityName,
  DeploymentState,
  discoveryLocation,
  wickrDrPermissions,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  freeLoopbackPort,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import request from 'supertest';
import { RecordingProxy, startRecordingProxy } from '../__testUtils__/recordingProxy';
import { wickrDrPlugin } from '../plugin';

const REGION = 'eu-west-2';
const OWNERS = 'group:default/platform-team';
const NAME = deploymentEntityName('prod', MOTO_ACCOUNT_ID, REGION);
const REF = `resource:default/${NAME}`;
const urlOf = (name: string, path: string) => `/api/wickr-dr/v1/deployments/default/${name}/${path}`;
const STATE_URL = urlOf(NAME, 'state');
const DRIFT_URL = urlOf(NAME, 'drift');

/** Metrics of other names, enough to push the bot's key metrics to ListMetrics' second page (500 a page). */
const OTHER_METRICS = Array.from({ length: 520 }, (_, i) => ({
  MetricName: 'Heartbeat',
  Dimensions: [{ Name: 'Bot', Value: `other_${i}` }],
  Value: 1,
}));

/** A deployment as the product stack leaves it, built from the parts moto emulates; its entity as discovery makes it. */
async function createDeployment(moto: MotoServer) {
  const config = motoClientConfig(moto, REGION);
  const ecs = new ECSClient(config);
  await ecs.send(new CreateClusterCommand({ clusterName: 'wickr-dr-prod' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bot',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '1024',
      memory: '4096',
      containerDefinitions: [{ name: 'bot', image: 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud:6.66.01.00' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'wickr-dr-prod',
      serviceName: 'bot',
      taskDefinition: 'bot',
      desiredCount: 1,
      launchType: 'FARGATE',
    }),
  );

  const cloudwatch = new CloudWatchClient(config);
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < OTHER_METRICS.length; i += 20) {
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'WickrIO', MetricData: OTHER_METRICS.slice(i, i + 20) }));
  }
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'WickrIO',
      MetricData: [
        {
          MetricName: 'Messages_Saved',
          Dimensions: [{ Name: 'Bot', Value: 'compliance_1_bot' }],
          Value: 42,
          Timestamp: hourAgo,
        },
        {
          MetricName: 'Login_Failures',
          Dimensions: [{ Name: 'Bot', Value: 'compliance_1_bot' }],
          Value: 3,
          Timestamp: hourAgo,
        },
      ],
    }),
  );
  for (const name of ['wickr-dr-prod-Login_Failures', 'wickr-dr-prod-S3_Post_Errors']) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'WickrIO',
        MetricName: name.split('prod-')[1],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  }
  await cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: 'wickr-dr-prod-Login_Failures',
      StateValue: 'ALARM',
      StateReason: '3 login failures',
    }),
  );

  const cloudformation = new CloudFormationClient(config);
  await cloudformation.send(
    new CreateStackCommand({
      StackName: 'wickr-dr-prod',
      TemplateBody: JSON.stringify({
        Parameters: {
          TaskSize: { Type: 'String', Default: 'medium' },
          FileRotateMins: { Type: 'Number', Default: 10 },
          BotRunning: { Type: 'String', Default: 'false' },
        },
        Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } },
        Outputs: { ClusterName: { Value: 'wickr-dr-prod' }, ServiceName: { Value: 'bot' } },
      }),
      Parameters: [
        { ParameterKey: 'TaskSize', ParameterValue: 'large' },
        { ParameterKey: 'FileRotateMins', ParameterValue: '15' },
        { ParameterKey: 'BotRunning', ParameterValue: 'true' },
      ],
      Tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }],
    }),
  );
  const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0];
  return discovered(stack.StackId!, MOTO_ACCOUNT_ID, 'prod', { ClusterName: 'wickr-dr-prod', ServiceName: 'bot' });
}

function discovered(stackArn: string, accountId: string, deploymentName: string, outputs: Record<string, string> = {}) {
  return deploymentEntity(
    {
      stackArn,
      stackName: stackArn.split('/')[1],
      tags: { 'wickr-dr:deployment': deploymentName },
      outputs,
    },
    { location: discoveryLocation({ accountId, region: REGION }), defaultOwner: OWNERS },
  );
}

/** The same stack, registered by hand from a catalog-info.yaml anyone could write. */
function registeredByHand(entity: Entity): Entity {
  const location = 'url:https://github.com/example/anything/blob/main/catalog-info.yaml';
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      name: 'prod-by-hand',
      annotations: {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
  };
}

/** Discovered in an account that has since been removed from aws.accounts. */
const inUnconfiguredAccount = discovered(
  `arn:aws:cloudformation:${REGION}:111111111111:stack/wickr-dr-prod/5f6e7d8c-0000-4000-8000-000000000000`,
  '111111111111',
  'prod',
);

/** A discovered deployment whose stack has been deleted since. */
const withDeletedStack = discovered(
  `arn:aws:cloudformation:${REGION}:${MOTO_ACCOUNT_ID}:stack/wickr-dr-old/5f6e7d8c-0000-4000-8000-000000000001`,
  MOTO_ACCOUNT_ID,
  'old',
);

/**
 * A policy as a catalog conditional decision (isEntityOwner) comes out: everyone may
 * read; every other permission only for members of the group that owns the entity
 * the request names.
 */
function ownerPolicy(entities: Entity[], groupsOf: Record<string, string[]>) {
  const owners = new Map(entities.map(e => [stringifyEntityRef(e), (e.spec as { owner: string }).owner]));
  return mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const user = (options?.credentials.principal as BackstageUserPrincipal).userEntityRef;
      return (requests as AuthorizePermissionRequest[]).map(r => {
        const owner = r.resourceRef ? owners.get(r.resourceRef) : undefined;
        const allowed =
          r.permission.name === 'wickr-dr.deployment.read' || (owner !== undefined && groupsOf[user]?.includes(owner));
        return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      });
    },
  });
}

describe('the wickr-dr REST API', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let proxy: RecordingProxy;
  let entity: Entity;
  let handRegistered: Entity;
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startRecordingProxy(moto.endpoint);
    entity = await createDeployment(moto);
    handRegistered = registeredByHand(entity);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const config = (wickrDr: object = {}) =>
    mockServices.rootConfig.factory({
      data: {
        // Static keys for the main account and moto's, so that no credential lookup leaves loopback.
        aws: {
          mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' },
          accounts: [{ accountId: MOTO_ACCOUNT_ID, accessKeyId: 'testing', secretAccessKey: 'testing' }],
        },
        wickrDr: { endpoint: proxy.endpoint, ...wickrDr },
      },
    });

  const backend = (...extra: any[]) =>
    startTestBackend({
      features: [
        wickrDrPlugin,
        catalogServiceMock.factory({ entities: [entity, handRegistered, inUnconfiguredAccount, withDeletedStack] }),
        config(),
        ...extra,
      ],
    });

  /** Runs a test on a fresh backend and stops it. */
  async function withBackend(features: any[], test: (server: any) => Promise<void>) {
    const started = await backend(...features);
    try {
      await test(started.server);
    } finally {
      await started.stop();
    }
  }

  /** The AWS calls `send` made, through the recording proxy. */
  async function awsCallsOf(send: () => Promise<unknown>) {
    const before = proxy.calls.length;
    await send();
    return proxy.calls.slice(before);
  }

  describe('GET /v1/deployments/:namespace/:name/state', () => {
    it('answers 401 without Backstage credentials', () =>
      withBackend([mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() })], async server => {
        expect((await request(server).get(STATE_URL)).status).toBe(401);
      }));

    it('answers 403 without wickr-dr.deployment.read on the entity, before any AWS call', () =>
      withBackend([mockServices.permissions.factory({ result: AuthorizeResult.DENY })], async server => {
        let res: request.Response | undefined;
        expect(await awsCallsOf(async () => (res = await request(server).get(STATE_URL)))).toEqual([]);
        expect(res!.status).toBe(403);
        expect(res!.body.error.message).toBe(
          `not allowed to read the live state and drift of ${REF} (wickr-dr.deployment.read)`,
        );
      }));

    it('answers 404 for an entity the catalog does not have', () =>
      withBackend([], async server => {
        expect((await request(server).get(urlOf('nope', 'state'))).status).toBe(404);
      }));

    it('reads the live state of the deployment: stack, tasks, alarms and 24 hours of metrics', () =>
      withBackend([], async server => {
        const res = await request(server).get(STATE_URL);
        expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
        const state: DeploymentState = res.body;
        expect(state.entityRef).toBe(REF);
        expect(state.stack).toMatchObject({
          name: 'wickr-dr-prod',
          status: 'CREATE_COMPLETE',
          category: 'complete',
          lastOperation: { kind: 'CREATE', at: expect.any(String) },
          outputs: { ClusterName: 'wickr-dr-prod', ServiceName: 'bot' },
        });
        // The current values, from the same DescribeStacks answer (NoEcho masking: currentParameters.test.ts).
        expect(state.stack.parameters).toEqual({ TaskSize: 'large', FileRotateMins: '15', BotRunning: 'true' });
        expect(state.service).toEqual({
          value: { cluster: 'wickr-dr-prod', service: 'bot', desired: 1, running: 0, pending: 1 },
        });
        expect(state.alarms).toEqual({
          value: {
            total: 2,
            inAlarm: [{ name: 'wickr-dr-prod-Login_Failures', reason: '3 login failures', since: expect.any(String) }],
          },
        });
        const metrics = Object.fromEntries(('value' in state.metrics ? state.metrics.value : []).map(m => [m.name, m]));
        expect(Object.keys(metrics)).toEqual([
          'Messages_Saved',
          'Files_Saved_Bytes',
          'Login_Failures',
          'S3_Post_Errors',
        ]);
        // On ListMetrics' second page, after 520 other metrics.
        expect(metrics.Messages_Saved.total).toBe(42);
        expect(metrics.Login_Failures.total).toBe(3);
        expect(metrics.Messages_Saved.points).toHaveLength(24);
        expect(state.drift).toBeNull();
        // This stack has no bot log group or secret outputs: nothing to read, said in place.
        expect(state.registration).toEqual({
          error: `${REF} has no bot log group or secret: its stack has no BotLogGroupName or BotSecretArn output`,
        });
      }));

    it('says in one line which call failed, where it went and what came back, and still shows the other parts', async () => {
      const closedPort = await freeLoopbackPort();
      const started = await startTestBackend({
        features: [
          wickrDrPlugin,
          catalogServiceMock.factory({ entities: [entity] }),
          config({ endpoints: { ecs: `http://127.0.0.1:${closedPort}` } }),
        ],
      });
      try {
        const state: DeploymentState = (await request(started.server).get(STATE_URL)).body;
        // Under Jest, Node's network errors come from another realm and the SDK wraps them,
        // so only the start of what came back is fixed here.
        expect(state.service).toEqual({
          error: expect.stringMatching(
            new RegExp(`^ECS DescribeServices at http://127\\.0\\.0\\.1:${closedPort}/: .*ECONNREFUSED`),
          ),
        });
        expect(state.stack.status).toBe('CREATE_COMPLETE');
        expect(state.alarms).toHaveProperty('value');
      } finally {
        await started.stop();
      }
    });

    it('answers NOT_FOUND for a deployment whose stack is gone', () =>
      withBackend([], async server => {
        const res = await request(server).get(urlOf(withDeletedStack.metadata.name, 'state'));
        expect(res.status).toBe(200);
        expect(res.body.stack).toMatchObject({ name: 'wickr-dr-old', status: 'NOT_FOUND', category: 'not-found' });
      }));
  });

  describe('trust: only deployments the portal discovered, in accounts it is configured for', () => {
    const routes = [
      ['GET', 'state'],
      ['GET', 'drift'],
      ['POST', 'drift/check'],
      ['POST', 'registration/capture'],
      ['POST', 'retention'],
    ] as const;
    const call = (server: any, method: 'GET' | 'POST', url: string) =>
      method === 'GET' ? request(server).get(url) : request(server).post(url);

    it.each(routes)('%s %s of a hand-registered entity naming a real stack: 403, no AWS call', (method, path) =>
      withBackend([], async server => {
        let res: request.Response | undefined;
        const calls = await awsCallsOf(async () => (res = await call(server, method, urlOf('prod-by-hand', path))));
        expect(res!.status).toBe(403);
        expect(res!.body.error).toMatchObject({
          name: 'NotAllowedError',
          message:
            'resource:default/prod-by-hand is not a deployment the portal may act on: it was not discovered by the portal (its origin is url:https://github.com/example/anything/blob/main/catalog-info.yaml)',
        });
        expect(calls).toEqual([]);
      }),
    );

    it.each(routes)('%s %s of a deployment in an account no longer configured: 403, no AWS call', (method, path) =>
      withBackend([], async server => {
        let res: request.Response | undefined;
        const name = inUnconfiguredAccount.metadata.name;
        const calls = await awsCallsOf(async () => (res = await call(server, method, urlOf(name, path))));
        expect(res!.status).toBe(403);
        expect(res!.body.error.message).toBe(
          `resource:default/${name} is not a deployment the portal may act on: 111111111111 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (${MOTO_ACCOUNT_ID}), or empty for the main account`,
        );
        expect(calls).toEqual([]);
      }),
    );
  });

  describe('permissions on the entity', () => {
    const as = (user: string) => ({ Authorization: mockCredentials.user.header(user) });

    it("lets the owner run a check and refuses it to a non-owner, who can still read; both decided on the entity's ref", async () => {
      const policy = ownerPolicy([entity], {
        'user:default/alice': [OWNERS],
        'user:default/bob': ['group:default/other'],
      });
      await withBackend([policy.factory], async server => {
        let bob: request.Response | undefined;
        const bobsCalls = await awsCallsOf(
          async () => (bob = await request(server).post(`${DRIFT_URL}/check`).set(as('user:default/bob'))),
        );
        expect(bob!.status).toBe(403);
        expect(bob!.body.error.message).toBe(`not allowed to check ${REF} for drift (wickr-dr.drift.check)`);
        expect(bobsCalls).toEqual([]);
        expect((await request(server).get(DRIFT_URL).set(as('user:default/bob'))).status).toBe(200);

        const alice = await request(server).post(`${DRIFT_URL}/check`).set(as('user:default/alice'));
        expect(alice.status).toBe(200);
        expect(alice.body.status).toBe('CHECK_FAILED');
      });
      const asked = policy.authorize.mock.calls.flatMap(([requests]) => requests as AuthorizePermissionRequest[]);
      expect(asked.filter(r => r.permission.name === 'wickr-dr.drift.check')).toEqual([
        expect.objectContaining({ resourceRef: REF }),
        expect.objectContaining({ resourceRef: REF }),
      ]);
      expect(asked.every(r => r.resourceRef === REF)).toBe(true);
    });

    it('registers every wickr-dr permission with the permission framework', () =>
      withBackend([], async server => {
        const res = await request(server).get('/api/wickr-dr/.well-known/backstage/permissions/metadata');
        expect(res.status).toBe(200);
        const names = res.body.permissions.map((p: { name: string }) => p.name);
        expect(names).toEqual(expect.arrayContaining(wickrDrPermissions.map(p => p.name)));
        expect(res.body.permissions.find((p: { name: string }) => p.name === 'wickr-dr.drift.check')).toMatchObject({
          type: 'resource',
          resourceType: 'catalog-entity',
        });
      }));
  });

  describe('drift', () => {
    it('runs "check now", stores the result and serves it with its history; the state carries the latest', () =>
      withBackend([], async server => {
        expect((await request(server).get(DRIFT_URL)).body).toEqual({ latest: null, history: [] });
        // moto answers DetectStackDrift with "not implemented": the check must fail, not pass.
        const check = await request(server).post(`${DRIFT_URL}/check`);
        expect(check.status).toBe(200);
        expect(check.body).toMatchObject({
          status: 'CHECK_FAILED',
          reason: expect.stringContaining('DetectStackDrift'),
        });
        const report = (await request(server).get(DRIFT_URL)).body;
        expect(report.latest).toMatchObject({ status: 'CHECK_FAILED' });
        expect(report.history).toHaveLength(1);
        const state = (await request(server).get(STATE_URL)).body;
        expect(state.drift).toMatchObject({ status: 'CHECK_FAILED', checkedAt: check.body.checkedAt });
      }));

    it('shares one check among concurrent "check now" requests, and answers it again within the cooldown', () =>
      withBackend([], async server => {
        const calls = await awsCallsOf(async () => {
          const [first, second] = await Promise.all([
            request(server).post(`${DRIFT_URL}/check`),
            request(server).post(`${DRIFT_URL}/check`),
          ]);
          expect([first.status, second.status]).toEqual([200, 200]);
          expect(second.body).toEqual(first.body);
          const again = await request(server).post(`${DRIFT_URL}/check`);
          expect(again.body).toEqual(first.body);
        });
        expect(calls.filter(c => c === 'DetectStackDrift')).toHaveLength(1);
        expect((await request(server).get(DRIFT_URL)).body.history).toHaveLength(1);
      }));
  });

  describe('GET /v1/accounts', () => {
    it('lists the configured account ids, and nothing else, to signed-in users', () =>
      withBackend([], async server => {
        const res = await request(server).get('/api/wickr-dr/v1/accounts');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ accounts: [{ accountId: MOTO_ACCOUNT_ID }] });
        expect(JSON.stringify(res.body)).not.toContain('testing');
      }));

    it('answers 401 without credentials', () =>
      withBackend([mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() })], async server => {
        expect((await request(server).get('/api/wickr-dr/v1/accounts')).status).toBe(401);
      }));
  });
});
