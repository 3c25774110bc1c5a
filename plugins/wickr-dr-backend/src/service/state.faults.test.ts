// GET .../state on the real backend (startTestBackend) against a deployment in moto_server behind
// the fault proxy (both on loopback): the portal's clients with wickrDr.retry.maxAttempts 3
// (adaptive), faults on the wire, and what the answer says about each part.
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DeploymentState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FaultProxy,
  FaultRule,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import request from 'supertest';
import { REGION, seedBot, SeededBot } from '../__testUtils__/motoBot';
import { wickrDrPlugin } from '../plugin';

const PAGE = 'HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts)';

describe('GET /v1/deployments/:namespace/:name/state with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let bot: SeededBot;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    bot = await seedBot(moto, 'prod');
    const ecs = new ECSClient(motoClientConfig(moto, REGION));
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
      new CreateServiceCommand({ cluster: bot.outputs.ClusterName, serviceName: 'bot', taskDefinition: 'bot', desiredCount: 1, launchType: 'FARGATE' }),
    );
    ecs.destroy();
    backend = await startTestBackend({
      features: [
        wickrDrPlugin,
        catalogServiceMock.factory({ entities: [bot.entity] }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' },
              accounts: [{ accountId: MOTO_ACCOUNT_ID, accessKeyId: 'testing', secretAccessKey: 'testing' }],
            },
            wickrDr: { endpoint: proxy.endpoint, retry: { maxAttempts: 3 }, drift: { enabled: false }, passwordKeeper: false },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    bot?.close();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.reset());

  async function state(faults: FaultRule[]) {
    faults.forEach(f => proxy.inject(f));
    const res = await request(backend.server).get(`/api/wickr-dr/v1/deployments/default/${bot.entity.metadata.name}/state`);
    return { status: res.status, body: res.body as DeploymentState & { error?: { message: string } } };
  }
  const attempts = (operation: string) => proxy.calls().filter(c => c.operation === operation).length;

  it('answers every part through throttling, a 5xx, a reset, a slow answer and an HTML page within the budget', async () => {
    const { status, body } = await state([
      { operation: 'DescribeStacks', fault: 'throttle' },
      { operation: 'DescribeServices', fault: 'server-error' },
      { operation: 'DescribeAlarms', fault: 'reset' },
      { operation: 'ListMetrics', fault: 'slow', delayMs: 100 },
      { operation: 'DescribeSecret', fault: 'html' },
    ]);
    expect(status).toBe(200);
    expect(body.stack.status).toBe('CREATE_COMPLETE');
    expect(body.service).toEqual({ value: { cluster: 'wickr-dr-prod', service: 'bot', desired: 1, running: 0, pending: 1 } });
    expect(body.alarms).toEqual({ value: { total: 0, inAlarm: [] } });
    expect(body.metrics).toHaveProperty('value');
    expect(body.registration).toEqual({ value: { status: 'waiting', loginFailuresLastHour: 0 } });
    expect([attempts('DescribeStacks'), attempts('DescribeServices'), attempts('DescribeAlarms'), attempts('DescribeSecret')]).toEqual([2, 2, 2, 2]);
  });

  it('answers 503 in one line when the stack cannot be read past the budget', async () => {
    const { status, body } = await state([{ operation: 'DescribeStacks', fault: 'html', count: 3 }]);
    expect(status).toBe(503);
    expect(body.error!.message).toBe(`could not read the stack wickr-dr-prod: CloudFormation DescribeStacks at ${proxy.endpoint}/: ${PAGE}`);
    // Nothing else is read without the stack.
    expect(proxy.calls().map(c => c.operation)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
  });

  it('says in one line, in place, each part that could not be read, and still answers the others', async () => {
    const { status, body } = await state([
      { operation: 'DescribeServices', fault: 'throttle', count: 3 },
      { operation: 'DescribeAlarms', fault: 'html', count: 3 },
      { operation: 'FilterLogEvents', fault: 'server-error', count: 3 },
    ]);
    expect(status).toBe(200);
    expect(body.stack.status).toBe('CREATE_COMPLETE');
    expect(body.service).toEqual({ error: `ECS DescribeServices at ${proxy.endpoint}/: ThrottlingException: Rate exceeded (3 attempts)` });
    expect(body.alarms).toEqual({ error: `CloudWatch DescribeAlarms at ${proxy.endpoint}/: ${PAGE}` });
    expect(body.registration).toEqual({
      error: `CloudWatchLogs FilterLogEvents at ${proxy.endpoint}/: InternalFailure: The request processing has failed because of an unknown error. (3 attempts)`,
    });
    expect(body.metrics).toHaveProperty('value');
    // A throttled call is tried exactly maxAttempts times, never more.
    expect(attempts('DescribeServices')).toBe(3);
  });
});
