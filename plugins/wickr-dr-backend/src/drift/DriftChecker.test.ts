// Drift checks on a simulated CloudFormation (aws-sdk-client-mock, virtual clock):
// moto has no drift detection ("not implemented").
import { ANNOTATIONS } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { deployment, deploymentRef as ref, driftHarness, inSync, modified } from '../__testUtils__/driftHarness';

const openSsh = modified(
  'BotSecurityGroup',
  'AWS::EC2::SecurityGroup',
  '/SecurityGroupIngress/0/CidrIp',
  undefined,
  '0.0.0.0/0',
);

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
    expect(await h.store.latest(ref('a'))).toMatchObject({
      status: 'IN_SYNC',
      driftedResources: 0,
      resources: [{ logicalId: 'Vpc' }, { logicalId: 'AlertTopic' }],
    });
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
    const notChecked = {
      ...inSync('AccessPoint', 'AWS::EFS::AccessPoint'),
      StackResourceDriftStatus: 'NOT_CHECKED' as const,
    };
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
    h = await driftHarness([
      {
        name: 'a',
        resources: [openSsh, inSync('Vpc'), inSync('AlertTopic')],
        detection: { failWith: 'Rate exceeded for resource AlertTopic' },
      },
    ]);
    await h.checkAll();
    expect(await h.store.latest(ref('a'))).toMatchObject({
      status: 'CHECK_FAILED',
      reason: 'detection failed: Rate exceeded for resource AlertTopic',
      driftedResources: 1,
      resources: [
        expect.objectContaining({ logicalId: 'BotSecurityGroup' }),
        expect.objectContaining({ logicalId: 'Vpc' }),
      ],
    });
  });

  it("reuses CloudFormation's own recent result instead of starting a detection", async () => {
    h = await driftHarness([
      { name: 'recent', resources: [openSsh], lastCheck: { at: Date.UTC(2026, 10, 28, 11, 30), status: 'DRIFTED' } },
      {
        name: 'stale',
        resources: [inSync('Vpc')],
        lastCheck: { at: Date.UTC(2026, 10, 27, 11, 30), status: 'IN_SYNC' },
      },
    ]);
    await h.checkAll();
    expect(await h.store.latest(ref('recent'))).toMatchObject({ status: 'DRIFTED', reused: true });
    expect(await h.store.latest(ref('stale'))).toMatchObject({ status: 'IN_SYNC', reused: false });
    expect(h.simulation.callsTo('DetectStackDrift')).toBe(1);
  });

  it('leaves a call that is still throttled to the SDK: it fails only its own deployment, saying so', async () => {
    // aws-sdk-client-mock replaces the client's send, so the SDK's own retries are not part
    // of this simulation: every ThrottlingException here is one the retries did not get past.
    const stacks = Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, resources: [inSync('Vpc')] }));
    h = await driftHarness(stacks, { callsPerSecond: 10 });
    h.simulation.throttlePerSecond = 2;
    const counts = await h.checkAll();
    const latest = await Promise.all(stacks.map(s => h.store.latest(ref(s.name))));
    const failed = latest.filter(r => r!.status === 'CHECK_FAILED');
    expect(h.simulation.throttled).toBeGreaterThan(0);
    // No retry by hand: each throttled call ends exactly one deployment's check.
    expect(failed).toHaveLength(h.simulation.throttled);
    expect(counts).toEqual({ checked: 8, drifted: 0, failed: failed.length });
    for (const result of failed) {
      expect(result!.reason).toBe(
        "throttled by AWS even after the SDK's retries: ThrottlingException: Rate exceeded; the next check tries again",
      );
    }
    expect(latest.filter(r => r!.status === 'IN_SYNC').length).toBe(8 - failed.length);
    expect(latest.filter(r => r!.status === 'IN_SYNC').length).toBeGreaterThan(0);
  });

  it('paces its calls so that a matching throttle is never hit', async () => {
    const stacks = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, resources: [inSync('Vpc')] }));
    h = await driftHarness(stacks, { callsPerSecond: 5 });
    h.simulation.throttlePerSecond = 5;
    expect(await h.checkAll()).toEqual({ checked: 20, drifted: 0, failed: 0 });
    expect(h.simulation.throttled).toBe(0);
  });

  it('gives up on a detection that passes its timeout, as a failed check', async () => {
    h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')], detection: { hangs: true } }], {
      detectionTimeoutMs: 60_000,
    });
    await h.checkAll();
    expect(await h.store.latest(ref('a'))).toMatchObject({
      status: 'CHECK_FAILED',
      reason: 'detection did not finish within 1 minutes',
    });
  });

  it('never runs more detections at once in a region than the bound', async () => {
    const stacks = Array.from({ length: 12 }, (_, i) => ({
      name: `s${i}`,
      resources: [inSync('Vpc')],
      detection: { durationMs: 30_000 + i * 1_000 },
    }));
    h = await driftHarness(stacks, { maxConcurrentDetections: 3 });
    await h.checkAll();
    expect(h.simulation.maxDetectionsAtOnce).toBe(3);
  });

  it('marks a known false positive as suppressed without hiding the other difference on the resource', async () => {
    const service = {
      ...modified('BotService', 'AWS::ECS::Service', '/DeploymentController/Type', undefined, 'ECS'),
    };
    service.PropertyDifferences!.push({
      PropertyPath: '/DesiredCount',
      ExpectedValue: '1',
      ActualValue: '3',
      DifferenceType: 'NOT_EQUAL',
    });
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
        title: 'Wickr data retention a-123456789012-use1 drifted',
        description: '1 resources of its stack changed outside CloudFormation: BotSecurityGroup.',
        link: '/catalog/default/resource/a-123456789012-use1',
        severity: 'high',
      }),
    });
    expect(h.logger.warn).toHaveBeenCalledWith(
      'resource:default/a-123456789012-use1 drifted: 1 resources changed outside CloudFormation (BotSecurityGroup)',
    );

    stack.resources = [
      inSync('Vpc'),
      modified(
        'BotSecurityGroup',
        'AWS::EC2::SecurityGroup',
        '/SecurityGroupIngress/0/CidrIp',
        undefined,
        '10.0.0.0/8',
      ),
    ];
    await h.checkAll();
    expect(h.notifications.send).toHaveBeenCalledTimes(2);

    stack.resources = [inSync('Vpc'), inSync('BotSecurityGroup')];
    await h.checkAll();
    stack.resources = [inSync('Vpc'), openSsh];
    await h.checkAll();
    expect(h.notifications.send).toHaveBeenCalledTimes(3);
  });

  it('checks one deployment on demand', async () => {
    h = await driftHarness([
      { name: 'a', resources: [openSsh] },
      { name: 'b', resources: [inSync('Vpc')] },
    ]);
    const result = await h.checkOne('a');
    expect(result.status).toBe('DRIFTED');
    expect(await h.store.latest(ref('b'))).toBeUndefined();
    expect(deployment('a').metadata.name).toBe('a-123456789012-use1');
  });

  describe('a deployment that cannot be checked fails on its own', () => {
    const withoutArn = () => {
      const entity = deployment('noarn');
      delete entity.metadata.annotations![ANNOTATIONS.arn];
      return entity;
    };
    const handRegistered = () => {
      const entity = deployment('byhand');
      entity.metadata.annotations!['backstage.io/managed-by-origin-location'] =
        'url:https://example.com/catalog-info.yaml';
      return entity;
    };
    // Discovered in an account that has since been removed from aws.accounts.
    const unconfiguredAccount = () => deployment('elsewhere', '111111111111');

    it('records and logs each one as failed, and still checks every other deployment', async () => {
      h = await driftHarness([
        { name: 'a', resources: [inSync('Vpc')] },
        { name: 'b', resources: [inSync('Vpc'), openSsh] },
      ]);
      const gone = deployment('gone');
      const counts = await h.checkAll([
        withoutArn(),
        h.entities[0],
        handRegistered(),
        unconfiguredAccount(),
        gone,
        h.entities[1],
      ]);

      expect(counts).toEqual({ checked: 6, drifted: 1, failed: 4 });
      expect((await h.store.latest(ref('a')))!.status).toBe('IN_SYNC');
      expect((await h.store.latest(ref('b')))!.status).toBe('DRIFTED');
      const failures = {
        'resource:default/noarn-123456789012-use1':
          'resource:default/noarn-123456789012-use1 is not a deployment the portal may act on: it is not a Resource of type wickr-data-retention with an amazonaws.com/arn annotation',
        'resource:default/byhand-123456789012-use1':
          'resource:default/byhand-123456789012-use1 is not a deployment the portal may act on: it was not discovered by the portal (its origin is url:https://example.com/catalog-info.yaml)',
        'resource:default/elsewhere-111111111111-use1':
          'resource:default/elsewhere-111111111111-use1 is not a deployment the portal may act on: 111111111111 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (123456789012), or empty for the main account',
        'resource:default/gone-123456789012-use1': 'the stack does not exist any more',
      };
      for (const [entityRef, reason] of Object.entries(failures)) {
        expect(await h.store.latest(entityRef)).toMatchObject({ status: 'CHECK_FAILED', reason });
        expect(h.logger.warn).toHaveBeenCalledWith(`Drift check of ${entityRef} failed: ${reason}`);
      }
      expect(h.logger.warn.mock.calls.filter(([line]) => String(line).startsWith('Drift check of'))).toHaveLength(4);
      // The refused ones cost no AWS call: one listing, and detections for a and b only.
      expect(h.simulation.callsTo('DescribeStacks')).toBe(1);
      expect(h.simulation.callsTo('DetectStackDrift')).toBe(2);
    });

    it('fails every deployment of an account and region whose listing fails, and only those', async () => {
      h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')] }]);
      h.simulation.failNext('DescribeStacks', new Error('simulated outage'));
      expect(await h.checkAll()).toEqual({ checked: 1, drifted: 0, failed: 1 });
      expect(await h.store.latest(ref('a'))).toMatchObject({ status: 'CHECK_FAILED', reason: 'simulated outage' });
      expect(await h.checkAll()).toEqual({ checked: 1, drifted: 0, failed: 0 });
    });
  });

  describe('drift history', () => {
    const DAY = 86_400_000;
    const oldCheck = (daysAgo: number) => ({
      status: 'IN_SYNC' as const,
      driftedResources: 0,
      checkedAt: new Date(Date.UTC(2026, 10, 28, 12) - daysAgo * DAY).toISOString(),
      reused: false,
      resources: [],
    });

    it.each([
      [90, 3, [0, 10]],
      [7, 4, [0]],
    ])(
      'keeps %i days after a scheduled run (deleting %i checks), and the latest check of every deployment',
      async (historyDays, deleted, keptDaysAgo) => {
        h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')] }], { historyDays });
        for (const daysAgo of [100, 95, 10]) await h.store.save(ref('a'), 'arn', oldCheck(daysAgo));
        // No longer in the catalog: its checks are old, but its latest stays.
        for (const daysAgo of [200, 150]) await h.store.save(ref('retired'), 'arn', oldCheck(daysAgo));

        await h.checkAll();

        const ageInDays = (checkedAt: string) => Math.round((h.clock.now - Date.parse(checkedAt)) / DAY);
        expect((await h.store.history(ref('a'))).map(c => ageInDays(c.checkedAt))).toEqual(keptDaysAgo);
        expect((await h.store.history(ref('retired'))).map(c => ageInDays(c.checkedAt))).toEqual([150]);
        expect(h.logger.info).toHaveBeenCalledWith(`Deleted ${deleted} drift checks older than ${historyDays} days`);
      },
    );

    it('deletes nothing on "check now"', async () => {
      h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')] }]);
      await h.store.save(ref('a'), 'arn', oldCheck(100));
      await h.checkOne('a');
      expect(await h.store.history(ref('a'))).toHaveLength(2);
    });
  });

  describe('"check now"', () => {
    it('shares one check among the requests for an entity while it runs', async () => {
      h = await driftHarness([
        { name: 'a', resources: [openSsh] },
        { name: 'b', resources: [inSync('Vpc')] },
      ]);
      const [first, second, other] = await h.clock.run(
        Promise.all([h.checkNow('a'), h.checkNow('a'), h.checkNow('b')]),
      );
      expect(second).toBe(first);
      expect([first.status, other.status]).toEqual(['DRIFTED', 'IN_SYNC']);
      expect(h.simulation.callsTo('DetectStackDrift')).toBe(2);
      expect(await h.store.history(ref('a'))).toHaveLength(1);
    });

    it('answers the last finished check within the cooldown, and checks again after it', async () => {
      // reuseWithinMs 0: a check after the cooldown must start a detection of its own.
      h = await driftHarness([{ name: 'a', resources: [openSsh] }], { checkNowCooldownMs: 60_000, reuseWithinMs: 0 });
      const first = await h.checkOne('a');
      const finishedAt = Date.parse(first.checkedAt);

      h.clock.now = finishedAt + 59_000;
      expect(await h.checkOne('a')).toEqual(first);
      expect(h.simulation.callsTo('DetectStackDrift')).toBe(1);

      h.clock.now = finishedAt + 60_000;
      const next = await h.checkOne('a');
      expect(next.checkedAt).not.toBe(first.checkedAt);
      expect(h.simulation.callsTo('DetectStackDrift')).toBe(2);
      expect(await h.store.history(ref('a'))).toHaveLength(2);
    });

    it('counts a scheduled check as the last finished one', async () => {
      h = await driftHarness([{ name: 'a', resources: [inSync('Vpc')] }], { reuseWithinMs: 0 });
      await h.checkAll();
      h.clock.now += 10_000;
      expect(await h.checkOne('a')).toEqual(await h.store.latest(ref('a')));
      expect(h.simulation.callsTo('DetectStackDrift')).toBe(1);
    });
  });
});
