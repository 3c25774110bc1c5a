// Drift checks on a simulated CloudFormation (aws-sdk-client-mock, virtual clock):
// moto has no drift detection ("not implemented").
import { deployment, driftHarness, inSync, modified } from '../__testUtils__/driftHarness';

const ref = (name: string) => `resource:default/${name}-us-east-1`;
const openSsh = modified('BotSecurityGroup', 'AWS::EC2::SecurityGroup', '/SecurityGroupIngress/0/CidrIp', undefined, '0.0.0.0/0');

describe('DriftChecker', () => {
  let h: Awaited<ReturnType<typeof driftHarness>>;
  afterEach(() => h?.close());

  it('reports a stack in sync, and keeps the result with its history', async () => {
    h = await driftHarness([{ name: 'a', resources: [inSync('Vpc'), inSync('AlertTopic')] }]);
    await h.checkAll();
    await h.checkAll();
    // The second check reuses the first one's result, which is recent.
    expect((await h.store.history(ref('a'))).map(c => [c.status, c.reused])).toEqual([
      ['IN_SYNC', true],
      ['IN_SYNC', false],
    ]);
    expect(await h.store.latest(ref('a'))).toMatchObject({ status: 'IN_SYNC', driftedResources: 0, resources: [{ logicalId: 'Vpc' }, { logicalId: 'AlertTopic' }] });
  });

  it('reports a drifted stack with every differing property, expected and actual', async () => {
    h = await driftHarness([{ name: 'a', resources: [inSync('Vpc'), openSsh] }]);
    await h.checkAll();
    const latest = await h.store.latest(ref('a'));
    expect(latest).toMatchObject({ status: 'DRIFTED', driftedResources: 1 });
    expect(latest!.resources.find(r => r.logicalId === 'BotSecurityGroup')).toEqual({
      logicalId: 'BotSecurityGroup',
      type: 'AWS::EC2::SecurityGroup',
      status: 'MODIFIED',
      differences: [{ path: '/SecurityGroupIngress/0/CidrIp', expected: undefined, actual: '0.0.0.0/0', kind: 'ADD' }],
    });
  });

  it('never calls UNKNOWN, NOT_CHECKED or a stack it cannot check "in sync"', async () => {
    const notChecked = { ...inSync('AccessPoint', 'AWS::EFS::AccessPoint'), StackResourceDriftStatus: 'NOT_CHECKED' as const };
    h = await driftHarness([
      { name: 'unknown', resources: [inSync('Vpc')], detection: { stackStatus: 'UNKNOWN' } },
      { name: 'rolledback', status: 'ROLLBACK_COMPLETE', resources: [] },
      { name: 'partly', resources: [inSync('Vpc'), notChecked] },
    ]);
    await h.checkAll();
    expect((await h.store.latest(ref('unknown')))!.status).toBe('UNKNOWN');
    expect(await h.store.latest(ref('rolledback'))).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringContaining('the stack is ROLLBACK_COMPLETE; CloudFormation checks drift only of stacks in'),
    });
    const partly = await h.store.latest(ref('partly'));
    expect(partly!.resources.map(r => r.status)).toEqual(['IN_SYNC', 'NOT_CHECKED']);
  });

  it('keeps the partial results of a failed detection and reports it as a failed check', async () => {
    h = await driftHarness([{ name: 'a', resources: [openSsh, inSync('Vpc'), inSync('AlertTopic')], detection: { failWith: 'Rate exceeded for resource AlertTopic' } }]);
    await h.checkAll();
    expect(await h.store.latest(ref('a'))).toMatchObject({
      status: 'CHECK_FAILED',
      reason: 'detection failed: Rate exceeded for resource AlertTopic',
      driftedResources: 1,
      resources: [expect.objectContaining({ logicalId: 'BotSecurityGroup' }), expect.objectContaining({ logicalId: 'Vpc' })],
    });
  });

  it("reuses CloudFormation's own recent result instead of starting a detection", async () => {
    h = await driftHarness([
      { name: 'recent', resources: [openSsh], lastCheck: { at: Date.UTC(2026, 10, 28, 11, 30), status: 'DRIFTED' } },
      { name: 'stale', resources: [inSync('Vpc')], lastCheck: { at: Date.UTC(2026, 10, 27, 11, 30), status: 'IN_SYNC' } },
    ]);
    await h.checkAll();
    expect(await h.store.latest(ref('recent'))).toMatchObject({ status: 'DRIFTED', reused: true });
    expect(await h.store.latest(ref('stale'))).toMatchObject({ status: 'IN_SYNC', reused: false });
    expect(h.simulation.callsTo('DetectStackDrift')).toBe(1);
  });

  it('backs off with jitter when throttled and still checks everything', async () => {
    const stacks = Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, resources: [inSync('Vpc')] }));
    h = await driftHarness(stacks, { callsPerSecond: 10 });
    h.simulation.throttlePerSecond = 2;
    await h.checkAll();
    expect(h.simulation.throttled).toBeGreaterThan(0);
    for (const s of stacks) expect((await h.store.latest(ref(s.name)))!.status).toBe('IN_SYNC');
  });

  it('paces its calls so that a matching throttle is never hit', async () => {
    const stacks = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, resources: [inSync('Vpc')] }));
    h = await driftHarness(stacks, { callsPerSecond: 5 });
    h.simulation.throttlePerSecond = 5;
    await h.checkAll();
    expect(h.simulation.throttled).toBe(0);
  });

  it('gives up on a detection that passes its timeout, as a failed check', async () => {
    h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')], detection: { hangs: true } }], { detectionTimeoutMs: 60_000 });
    await h.checkAll();
    expect(await h.store.latest(ref('a'))).toMatchObject({ status: 'CHECK_FAILED', reason: 'detection did not finish within 1 minutes' });
  });

  it('never runs more detections at once in a region than the bound', async () => {
    const stacks = Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, resources: [inSync('Vpc')], detection: { durationMs: 30_000 + i * 1_000 } }));
    h = await driftHarness(stacks, { maxConcurrentDetections: 3 });
    await h.checkAll();
    expect(h.simulation.maxDetectionsAtOnce).toBe(3);
  });

  it('marks a known false positive as suppressed without hiding the other difference on the resource', async () => {
    const service = {
      ...modified('BotService', 'AWS::ECS::Service', '/DeploymentController/Type', undefined, 'ECS'),
    };
    service.PropertyDifferences!.push({ PropertyPath: '/DesiredCount', ExpectedValue: '1', ActualValue: '3', DifferenceType: 'NOT_EQUAL' });
    const onlyDefault = modified('BotService', 'AWS::ECS::Service', '/DeploymentController/Type', undefined, 'ECS');
    h = await driftHarness([
      { name: 'both', resources: [service] },
      { name: 'default-only', resources: [onlyDefault] },
    ]);
    await h.checkAll();
    const both = await h.store.latest(ref('both'));
    expect(both!.status).toBe('DRIFTED');
    expect(both!.resources[0].differences.map(d => [d.path, d.suppressedBy])).toEqual([
      ['/DeploymentController/Type', 'ECS reads back the default deployment controller it adds'],
      ['/DesiredCount', undefined],
    ]);
    expect((await h.store.latest(ref('default-only')))!.status).toBe('IN_SYNC');
  });

  it('tells the owner once about a new drift, and again only when the drift changes or comes back', async () => {
    const stack = { name: 'a', resources: [inSync('Vpc'), openSsh] };
    h = await driftHarness([stack], { reuseWithinMs: 0 });
    await h.checkAll();
    await h.checkAll();
    expect(h.notifications.send).toHaveBeenCalledTimes(1);
    expect(h.notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: 'group:default/platform-team' },
      payload: expect.objectContaining({
        title: 'Wickr data retention a-us-east-1 drifted',
        description: '1 resources of its stack changed outside CloudFormation: BotSecurityGroup.',
        link: '/catalog/default/resource/a-us-east-1',
        severity: 'high',
      }),
    });
    expect(h.logger.warn).toHaveBeenCalledWith(
      'resource:default/a-us-east-1 drifted: 1 resources changed outside CloudFormation (BotSecurityGroup)',
    );

    stack.resources = [inSync('Vpc'), modified('BotSecurityGroup', 'AWS::EC2::SecurityGroup', '/SecurityGroupIngress/0/CidrIp', undefined, '10.0.0.0/8')];
    await h.checkAll();
    expect(h.notifications.send).toHaveBeenCalledTimes(2);

    stack.resources = [inSync('Vpc'), inSync('BotSecurityGroup')];
    await h.checkAll();
    stack.resources = [inSync('Vpc'), openSsh];
    await h.checkAll();
    expect(h.notifications.send).toHaveBeenCalledTimes(3);
  });

  it('checks one deployment on demand', async () => {
    h = await driftHarness([{ name: 'a', resources: [openSsh] }, { name: 'b', resources: [inSync('Vpc')] }]);
    const result = await h.checkOne('a');
    expect(result.status).toBe('DRIFTED');
    expect(await h.store.latest(ref('b'))).toBeUndefined();
    expect(deployment('a').metadata.name).toBe('a-us-east-1');
  });
});
