// wickr-dr:bot:prepare with the fake Wickr admin API behind the fault proxy (and moto_server for the
// stack), all on loopback, retried by the SDK's adaptive strategy (3 attempts). CreateDataRetentionBot
// takes no idempotency token: an answer lost after the API acted must not make a second create.
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  FakeWickrAdmin,
  FaultProxy,
  MotoServer,
  startFakeWickrAdmin,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { faultAwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';
import { createPrepareBotAction } from './prepareBot';

const NETWORK = '12345678';
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

describe('wickr-dr:bot:prepare with faults (the fake Wickr admin API behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let wickr: FakeWickrAdmin;
  let wickrProxy: FaultProxy;
  let task = 0;

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());
  beforeEach(async () => {
    wickr = await startFakeWickrAdmin({
      networks: [{ networkId: NETWORK, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }],
    });
    wickrProxy = await startFaultProxy({ target: wickr.endpoint });
  });
  afterEach(async () => {
    await wickrProxy?.stop();
    await wickr?.stop();
  });

  /** The step as a task runs it: Wickr calls to the proxy in front of the fake, the stack read from moto. */
  async function prepare() {
    const awsClients = faultAwsClients(moto, { endpoints: { wickr: wickrProxy.endpoint } });
    const action = createPrepareBotAction({ awsClients, locks: new InMemoryStackLocks(), wickrClient: t => WickrAdminClient.create(awsClients, t) });
    const ctx = createMockActionContext({ input: { ...target, passwordSource: 'wickr-api', networkId: NETWORK }, task: { id: `task-${++task}` } } as any);
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  const creates = () => wickr.requests.filter(r => r.operation === 'CreateDataRetentionBot').map(r => r.status);

  it('makes one bot, with one create, when the answer to CreateDataRetentionBot is lost after the API acted on it', async () => {
    wickrProxy.inject({ service: 'wickr', operation: 'CreateDataRetentionBot', fault: 'reset', afterForward: true });
    expect(await prepare()).toEqual({ botName: `compliance_${NETWORK}_bot`, networkId: NETWORK });
    expect(creates()).toEqual([200]);
    // The lost answer is not sent again: prepare reads botExists instead.
    expect(wickrProxy.calls().map(c => [c.operation, c.status])).toEqual([
      ['GetNetwork', 200],
      ['GetDataRetentionBot', 200],
      ['GetDataRetentionBot', 200],
      ['CreateDataRetentionBot', 0],
      ['GetDataRetentionBot', 200],
      ['GetDataRetentionBot', 200],
    ]);
    expect(wickr.state.bot(NETWORK)).toMatchObject({ botName: `compliance_${NETWORK}_bot`, registered: false });
  });

  it('fails in one line on a 5xx to CreateDataRetentionBot that made no bot, and the retried task makes it once', async () => {
    wickrProxy.inject({ service: 'wickr', operation: 'CreateDataRetentionBot', fault: 'server-error' });
    await expect(prepare()).rejects.toThrow(
      `could not create the data-retention bot of Wickr network ${NETWORK}: Wickr CreateDataRetentionBot at ${wickrProxy.endpoint}/: InternalServerError: Internal server error (HTTP 500); it has no bot yet: retry the task`,
    );
    expect(wickr.state.bot(NETWORK)).toBeUndefined();
    expect(await prepare()).toMatchObject({ botName: `compliance_${NETWORK}_bot` });
    expect(creates()).toEqual([200]);
  });
});
