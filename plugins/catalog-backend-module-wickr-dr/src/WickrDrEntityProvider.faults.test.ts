// Discovery against moto_server behind the fault proxy (both on loopback): the portal's clients
// (adaptive, 3 attempts), faults on DescribeStacks, and the entities the catalog was given.
import type { DeferredEntity, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  FaultProxy,
  FaultRule,
  MOTO_ACCOUNT_ID,
  MotoServer,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { faultAwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { RecordingLogger } from './__testUtils__/recordingLogger';
import { createStack, motoAwsClients } from './__testUtils__/motoAccounts';
import { WickrDrEntityProvider } from './WickrDrEntityProvider';

class RecordingConnection implements EntityProviderConnection {
  entities: DeferredEntity[] = [];
  mutations = 0;
  async applyMutation(mutation: any) {
    this.mutations++;
    this.entities = mutation.entities;
  }
  async refresh() {}
  names() {
    return this.entities.map(e => e.entity.metadata.name).sort();
  }
}

const LONDON = { region: 'eu-west-2' };
const PAGE = 'HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts)';

describe('WickrDrEntityProvider with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    const direct = motoAwsClients(moto);
    await createStack(direct, LONDON, 'wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    await createStack(direct, LONDON, 'wickr-dr-b', { 'wickr-dr:deployment': 'b' });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.reset());

  async function connected() {
    const logger = new RecordingLogger();
    const provider = new WickrDrEntityProvider({
      target: LONDON,
      awsClients: faultAwsClients(proxy),
      logger,
      defaultOwner: 'group:default/platform-team',
    });
    const connection = new RecordingConnection();
    await provider.connect(connection);
    return { provider, connection, logger };
  }
  const refreshWith = async (provider: WickrDrEntityProvider, faults: FaultRule[]) => {
    proxy.reset();
    faults.forEach(f => proxy.inject(f));
    await provider.refreshOrKeep();
  };
  const names = [`a-${MOTO_ACCOUNT_ID}-euw2`, `b-${MOTO_ACCOUNT_ID}-euw2`];

  it('discovers every stack once through a throttle, a 5xx and a reset within the budget', async () => {
    const { provider, connection, logger } = await connected();
    await refreshWith(provider, [
      { operation: 'DescribeStacks', fault: 'throttle' },
      { operation: 'DescribeStacks', fault: 'reset' },
    ]);
    expect(connection.names()).toEqual(names);
    expect(connection.mutations).toBe(1);
    expect(logger.messages('error')).toEqual([]);
    await refreshWith(provider, [{ operation: 'DescribeStacks', fault: 'server-error' }, { operation: 'DescribeStacks', fault: 'slow', delayMs: 100 }]);
    expect(connection.names()).toEqual(names);
    expect(proxy.calls().map(c => [c.status, c.faulted])).toEqual([
      [500, 'server-error'],
      [200, 'slow'],
    ]);
  });

  it('keeps its entities and says why in one line when DescribeStacks fails past the budget', async () => {
    const { provider, connection, logger } = await connected();
    await refreshWith(provider, []);
    await refreshWith(provider, [{ operation: 'DescribeStacks', fault: 'html', count: 3 }]);
    expect(connection.names()).toEqual(names);
    expect(connection.mutations).toBe(1);
    expect(logger.messages('error')).toEqual([
      `wickr-dr:main/eu-west-2: discovery failed, keeping the entities it had: CloudFormation DescribeStacks at ${proxy.endpoint}/: ${PAGE}`,
    ]);
  });

  it('stops a throttled account at maxAttempts and keeps its entities', async () => {
    const { provider, connection, logger } = await connected();
    await refreshWith(provider, []);
    await refreshWith(provider, [{ operation: '*', fault: 'throttle', count: 100 }]);
    expect(proxy.calls().map(c => [c.operation, c.status])).toEqual([
      ['DescribeStacks', 400],
      ['DescribeStacks', 400],
      ['DescribeStacks', 400],
    ]);
    expect(connection.names()).toEqual(names);
    expect(logger.messages('error')).toEqual([
      `wickr-dr:main/eu-west-2: discovery failed, keeping the entities it had: CloudFormation DescribeStacks at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts)`,
    ]);
  });
});
