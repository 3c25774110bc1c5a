// wickr-dr:bot:set-retention with the fake Wickr admin API behind the fault proxy (and moto_server
// for the stack, behind its own proxy), all on loopback: the portal's Wickr client retried by
// the SDK's adaptive strategy (3 attempts), faults on the wire, the fake's own state read after.
import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  FaultProxy,
  FaultRule,
  MotoServer,
  motoSizedTemplate,
  startFakeWickrAdmin,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { faultAwsClients, seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { testAccess } from '../__testUtils__/access';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createSetRetentionAction } from './setRetention';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const NETWORK = '12345678';
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

describe('wickr-dr:bot:set-retention with faults (the fake Wickr admin API and moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let motoProxy: FaultProxy;
  let wickr: FakeWickrAdmin;
  let wickrProxy: FaultProxy;
  let entity: Entity;
  let task = 0;
  /** The waits of the step's clock, which returns at once. */
  let slept: number[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    motoProxy = await startFaultProxy({ target: moto.endpoint });
    const { stack } = await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    entity = deploymentEntity(
      { stackArn: stack.StackId!, stackName: target.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
  });
  afterAll(async () => {
    await motoProxy?.stop();
    await moto?.stop();
  });
  beforeEach(async () => {
    wickr = await startFakeWickrAdmin({
      networks: [{ networkId: NETWORK, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }],
    });
    wickrProxy = await startFaultProxy({ target: wickr.endpoint });
    slept = [];
  });
  afterEach(async () => {
    await wickrProxy?.stop();
    await wickr?.stop();
  });

  /** Every Wickr call to the proxy in front of the fake, every other to the proxy in front of moto. */
  const clients = () => faultAwsClients(motoProxy, { endpoints: { wickr: wickrProxy.endpoint } });

  async function setRetention(faults: FaultRule[]) {
    // The bot prepare made, straight to the fake.
    await (await WickrAdminClient.create(faultAwsClients({ endpoint: wickr.endpoint }), { region: 'us-east-1' })).createDataRetentionBot(NETWORK);
    wickr.requests.length = 0;
    faults.forEach(f => wickrProxy.inject(f));
    const awsClients = clients();
    const action = createSetRetentionAction({
      awsClients,
      access: testAccess({ entities: [entity] }).access,
      locks: new InMemoryStackLocks(),
      wickrClient: t => WickrAdminClient.create(awsClients, t),
      clock: { sleep: async ms => void slept.push(ms) },
    });
    const ctx = createMockActionContext({ input: { ...target, networkId: NETWORK }, task: { id: `task-${++task}` } } as any);
    return action.handler(ctx as any).then(
      () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
      (e: Error) => e,
    );
  }

  it('turns retention on through throttling, a 5xx, a reset and a slow answer, each write reaching the fake once', async () => {
    const outcome = await setRetention([
      { operation: 'GetDataRetentionBot', fault: 'slow', delayMs: 100 },
      { operation: 'GetDataRetentionBot', fault: 'server-error' },
      { operation: 'UpdateDataRetention', fault: 'throttle' },
      { operation: 'UpdateDataRetention', fault: 'reset' },
    ]);
    expect(outcome).toEqual({ retentionEnabled: true });
    expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: true, pubkeyAcked: true });
    expect(wickrProxy.calls().filter(c => c.faulted).map(c => [c.operation, c.faulted])).toEqual([
      ['GetDataRetentionBot', 'slow'],
      ['UpdateDataRetention', 'throttle'],
      ['UpdateDataRetention', 'reset'],
      // The check that retention is on.
      ['GetDataRetentionBot', 'server-error'],
    ]);
    // The faulted attempts never reached the fake: one PUBKEY_MSG_ACK and one ENABLE did.
    expect(wickr.requests.filter(r => r.operation === 'UpdateDataRetention').map(r => r.status)).toEqual([200, 200]);
    expect(wickrProxy.calls().filter(c => c.operation === 'UpdateDataRetention').map(c => c.faulted)).toEqual([
      'throttle',
      'reset',
      undefined,
      undefined,
    ]);
  });

  it('fails in one line on an HTML page past the budget, with retention left as it was', async () => {
    const outcome = await setRetention([{ operation: 'UpdateDataRetention', fault: 'html', count: 3 }]);
    expect((outcome as Error).message).toBe(
      `could not PUBKEY_MSG_ACK data retention of Wickr network ${NETWORK}: Wickr UpdateDataRetention at ${wickrProxy.endpoint}/: HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts); data retention was left as it was: retry the task`,
    );
    expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: false, pubkeyAcked: false });
    expect(wickr.requests.map(r => r.operation)).not.toContain('UpdateDataRetention');
  });

  it('fails in one line when the API still reports retention off after the ENABLE, six reads 5 s apart', async () => {
    const off = { botExists: true, isPubkeyMsgAcked: true, isDataRetentionServiceEnabled: false };
    wickr.failNext('GetDataRetentionBot', { status: 200, body: JSON.stringify(off), times: 7 });
    const outcome = await setRetention([]);
    expect((outcome as Error).message).toBe(
      `asked the Wickr admin API to turn data retention on in network ${NETWORK}, but it still does not report it so after 30 s; look at the network in the admin console`,
    );
    expect(wickr.requests.map(r => r.operation)).toEqual(['GetDataRetentionBot', 'UpdateDataRetention', ...Array(6).fill('GetDataRetentionBot')]);
    expect(slept).toEqual(Array(6).fill(5_000));
  });

  it('stops a throttled network at maxAttempts, before any write', async () => {
    const outcome = await setRetention([{ service: 'wickr', operation: '*', fault: 'throttle', count: 100 }]);
    expect((outcome as Error).message).toBe(
      `cannot read Wickr network ${NETWORK}: Wickr GetDataRetentionBot at ${wickrProxy.endpoint}/: RateLimitError: Rate exceeded (HTTP 429) (3 attempts)`,
    );
    expect(wickrProxy.calls().map(c => [c.operation, c.status])).toEqual([
      ['GetDataRetentionBot', 429],
      ['GetDataRetentionBot', 429],
      ['GetDataRetentionBot', 429],
    ]);
    expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: false });
  });
});
