// The REST API against a deployment created in moto_server on loopback (real SDK for
// CloudFormation, ECS and CloudWatch).
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { deploymentEntity, DeploymentState } from '@internal/plugin-wickr-dr-common';
import { MotoServer, motoClientConfig, startMoto } from '@internal/plugin-wickr-dr-common/testUtils';
import request from 'supertest';
import { wickrDrPlugin } from '../plugin';

const REGION = 'eu-west-2';
const STATE_URL = '/api/wickr-dr/v1/deployments/default/prod-eu-west-2/state';

/** A deployment as the product stack leaves it, built from the parts moto emulates. */
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
  await ecs.send(new CreateServiceCommand({ cluster: 'wickr-dr-prod', serviceName: 'bot', taskDefinition: 'bot', desiredCount: 1, launchType: 'FARGATE' }));

  const cloudwatch = new CloudWatchClient(config);
  const hourAgo = new Date(Date.now() - 3_600_000);
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'WickrIO',
      MetricData: [
        { MetricName: 'Messages_Saved', Dimensions: [{ Name: 'Bot', Value: 'compliance_1_bot' }], Value: 42, Timestamp: hourAgo },
        { MetricName: 'Login_Failures', Dimensions: [{ Name: 'Bot', Value: 'compliance_1_bot' }], Value: 3, Timestamp: hourAgo },
      ],
    }),
  );
  for (const name of ['wickr-dr-prod-Login_Failures', 'wickr-dr-prod-S3_Post_Errors']) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name, Namespace: 'WickrIO', MetricName: name.split('prod-')[1], Statistic: 'Sum',
        Period: 300, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  }
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'wickr-dr-prod-Login_Failures', StateValue: 'ALARM', StateReason: '3 login failures' }));

  const cloudformation = new CloudFormationClient(config);
  await cloudformation.send(
    new CreateStackCommand({
      StackName: 'wickr-dr-prod',
      TemplateBody: JSON.stringify({
        Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } },
        Outputs: { ClusterName: { Value: 'wickr-dr-prod' }, ServiceName: { Value: 'bot' } },
      }),
      Tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }],
    }),
  );
  const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0];
  return deploymentEntity(
    { stackArn: stack.StackId!, stackName: 'wickr-dr-prod', tags: { 'wickr-dr:deployment': 'prod' }, outputs: { ClusterName: 'wickr-dr-prod', ServiceName: 'bot' } },
    { location: 'wickr-dr:main/eu-west-2', defaultOwner: 'group:default/platform-team' },
  );
}

describe('GET /api/wickr-dr/v1/deployments/:namespace/:name/state', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let entity: Awaited<ReturnType<typeof createDeployment>>;
  beforeAll(async () => {
    moto = await startMoto();
    entity = await createDeployment(moto);
  });
  afterAll(() => moto?.stop());

  const backend = (...extra: any[]) =>
    startTestBackend({
      features: [
        wickrDrPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            // moto's account, configured so that no STS call leaves loopback.
            aws: { accounts: [{ accountId: '123456789012', accessKeyId: 'testing', secretAccessKey: 'testing' }] },
            wickrDr: { endpoint: moto.endpoint },
          },
        }),
        ...extra,
      ],
    });

  it('answers 401 without Backstage credentials', async () => {
    const test = await backend(mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }));
    try {
      const res = await request(test.server).get(STATE_URL);
      expect(res.status).toBe(401);
    } finally {
      await test.stop();
    }
  });

  it('answers 403 without the wickr-dr.deployment.read permission', async () => {
    const test = await backend(mockServices.permissions.factory({ result: AuthorizeResult.DENY }));
    try {
      const res = await request(test.server).get(STATE_URL);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('not allowed to read Wickr data-retention deployments (wickr-dr.deployment.read)');
    } finally {
      await test.stop();
    }
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const test = await backend();
    try {
      const res = await request(test.server).get('/api/wickr-dr/v1/deployments/default/nope/state');
      expect(res.status).toBe(404);
    } finally {
      await test.stop();
    }
  });

  it('reads the live state of the deployment: stack, tasks, alarms and 24 hours of metrics', async () => {
    const test = await backend();
    try {
      const res = await request(test.server).get(STATE_URL);
      expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
      const state: DeploymentState = res.body;
      expect(state.entityRef).toBe('resource:default/prod-eu-west-2');
      expect(state.stack).toMatchObject({
        name: 'wickr-dr-prod',
        status: 'CREATE_COMPLETE',
        category: 'complete',
        lastOperation: { kind: 'CREATE', at: expect.any(String) },
        outputs: { ClusterName: 'wickr-dr-prod', ServiceName: 'bot' },
      });
      expect(state.service).toEqual({ value: { cluster: 'wickr-dr-prod', service: 'bot', desired: 1, running: 0, pending: 1 } });
      expect(state.alarms).toEqual({
        value: { total: 2, inAlarm: [{ name: 'wickr-dr-prod-Login_Failures', reason: '3 login failures', since: expect.any(String) }] },
      });
      const metrics = Object.fromEntries(('value' in state.metrics ? state.metrics.value : []).map(m => [m.name, m]));
      expect(Object.keys(metrics)).toEqual(['Messages_Saved', 'Files_Saved_Bytes', 'Login_Failures', 'S3_Post_Errors']);
      expect(metrics.Messages_Saved.total).toBe(42);
      expect(metrics.Login_Failures.total).toBe(3);
      expect(metrics.Messages_Saved.points).toHaveLength(24);
      expect(state).toMatchObject({ drift: null, registration: null });
    } finally {
      await test.stop();
    }
  });

  describe('drift', () => {
    const DRIFT_URL = '/api/wickr-dr/v1/deployments/default/prod-eu-west-2/drift';

    it('refuses "check now" to a user without wickr-dr.drift.check, who can still read', async () => {
      const readOnly = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result: r.permission.name === 'wickr-dr.drift.check' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
          })),
      });
      const test = await backend(readOnly.factory);
      try {
        const check = await request(test.server).post(`${DRIFT_URL}/check`);
        expect(check.status).toBe(403);
        expect(check.body.error.message).toBe('not allowed to check Wickr data-retention deployments for drift (wickr-dr.drift.check)');
        expect((await request(test.server).get(DRIFT_URL)).status).toBe(200);
      } finally {
        await test.stop();
      }
    });

    it('runs "check now", stores the result and serves it with its history; the state carries the latest', async () => {
      const test = await backend();
      try {
        expect((await request(test.server).get(DRIFT_URL)).body).toEqual({ latest: null, history: [] });
        // moto answers DetectStackDrift with "not implemented": the check must fail, not pass.
        const check = await request(test.server).post(`${DRIFT_URL}/check`);
        expect(check.status).toBe(200);
        expect(check.body).toMatchObject({ status: 'CHECK_FAILED', reason: expect.any(String) });
        const report = (await request(test.server).get(DRIFT_URL)).body;
        expect(report.latest).toMatchObject({ status: 'CHECK_FAILED' });
        expect(report.history).toHaveLength(1);
        const state = (await request(test.server).get(STATE_URL)).body;
        expect(state.drift).toMatchObject({ status: 'CHECK_FAILED', checkedAt: check.body.checkedAt });
      } finally {
        await test.stop();
      }
    });
  });

  describe('accounts', () => {
    it('lists the configured account ids, and nothing else, to signed-in users', async () => {
      const test = await backend();
      try {
        const res = await request(test.server).get('/api/wickr-dr/v1/accounts');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ accounts: [{ accountId: '123456789012' }] });
        expect(JSON.stringify(res.body)).not.toContain('testing');
      } finally {
        await test.stop();
      }
    });

    it('answers 401 without credentials', async () => {
      const test = await backend(mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }));
      try {
        expect((await request(test.server).get('/api/wickr-dr/v1/accounts')).status).toBe(401);
      } finally {
        await test.stop();
      }
    });
  });
});
