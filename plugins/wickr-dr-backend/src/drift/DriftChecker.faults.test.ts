// The drift check against moto_server behind the fault proxy (both on loopback): the portal's
// clients (adaptive, 3 attempts), faults on the wire, the stored result read after. moto has no
// drift detection: DetectStackDrift answers its HTML "500 Internal Server Error" page, so a
// check that gets past DescribeStacks ends there (the simulated CloudFormation of
// DriftChecker.test.ts covers detection itself).
import { mockServices } from '@backstage/backend-test-utils';
import { FaultProxy, FaultRule, MotoServer, startFaultProxy, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { faultAwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import knexFactory, { Knex } from 'knex';
import { defaultSettings } from '../__testUtils__/driftHarness';
import { seedBot, SeededBot } from '../__testUtils__/motoBot';
import { DriftChecker } from './DriftChecker';
import { DriftStore } from './DriftStore';

const PAGE = 'HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts)';

describe('DriftChecker with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let bot: SeededBot;
  let knex: Knex;
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    bot = await seedBot(moto, 'prod');
  });
  afterAll(async () => {
    bot?.close();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.reset());
  afterEach(() => knex?.destroy());

  async function check(faults: FaultRule[]) {
    faults.forEach(f => proxy.inject(f));
    knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
    const store = await DriftStore.create(knex);
    const logger = mockServices.logger.mock();
    const checker = new DriftChecker({
      awsClients: faultAwsClients(proxy),
      store,
      notifications: { send: jest.fn() },
      logger,
      settings: defaultSettings,
    });
    const counts = await checker.checkAll({ deployments: async () => [bot.entity] });
    return {
      counts,
      history: await store.history(bot.entityRef),
      warnings: (logger.warn as jest.Mock).mock.calls.map(c => c[0]),
    };
  }
  const operations = () => proxy.calls().map(c => c.operation);

  it('gets past a throttled and a reset DescribeStacks to the detection, which moto cannot do', async () => {
    const { counts, history } = await check([
      { operation: 'DescribeStacks', fault: 'throttle' },
      { operation: 'DescribeStacks', fault: 'reset' },
    ]);
    expect(counts).toEqual({ checked: 1, drifted: 0, failed: 1 });
    // One check recorded, and what ended it is moto's missing DetectStackDrift, not the faults.
    expect(history).toEqual([
      expect.objectContaining({ status: 'CHECK_FAILED', reason: `CloudFormation DetectStackDrift at ${proxy.endpoint}/: ${PAGE}` }),
    ]);
    expect(operations()).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks', 'DetectStackDrift', 'DetectStackDrift', 'DetectStackDrift']);
  });

  it('records one failed check in one line when the stacks cannot be listed past the budget', async () => {
    const { history, warnings } = await check([{ operation: 'DescribeStacks', fault: 'html', count: 3 }]);
    const reason = `CloudFormation DescribeStacks at ${proxy.endpoint}/: ${PAGE}`;
    expect(history).toEqual([expect.objectContaining({ status: 'CHECK_FAILED', reason })]);
    expect(warnings).toEqual([`Drift check of ${bot.entityRef} failed: ${reason}`]);
    expect(operations()).not.toContain('DetectStackDrift');
  });

  it('stops a throttled detection at maxAttempts and says the next check tries again', async () => {
    const { history } = await check([{ operation: 'DetectStackDrift', fault: 'throttle', count: 100 }]);
    expect(history).toEqual([
      expect.objectContaining({
        status: 'CHECK_FAILED',
        reason: `throttled by AWS even after the SDK's retries: CloudFormation DetectStackDrift at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts); the next check tries again`,
      }),
    ]);
    expect(operations().filter(o => o === 'DetectStackDrift')).toHaveLength(3);
  });
});
