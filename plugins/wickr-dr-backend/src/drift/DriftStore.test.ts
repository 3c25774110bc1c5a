// The store on real databases: PostgreSQL 15 (the one `npm test` starts) and SQLite.
import { TestDatabases } from '@backstage/backend-test-utils';
import type { DriftResult } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { supportedIds } from '../__testUtils__/databases';
import { DriftStore } from './DriftStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

it('runs on PostgreSQL 15 and SQLite', () => {
  expect(supportedIds(databases)).toEqual(['POSTGRES_15', 'SQLITE_3']);
});

const ACME = 'resource:default/acme-123456789012-euw2';
const BETA = 'resource:default/beta-123456789012-euw2';
const ARN = `arn:aws:cloudformation:eu-west-2:123456789012:stack/wickr-dr-acme/${'0'.repeat(36)}`;

const drifted = (checkedAt: string, overrides: Partial<DriftResult> = {}): DriftResult => ({
  status: 'DRIFTED',
  driftedResources: 1,
  checkedAt,
  reused: false,
  resources: [
    {
      logicalId: 'BotService',
      type: 'AWS::ECS::Service',
      physicalId: 'arn:aws:ecs:eu-west-2:123456789012:service/wickr/bot',
      status: 'MODIFIED',
      differences: [
        {
          path: '/DesiredCount',
          expected: '1',
          actual: '0',
          kind: 'NOT_EQUAL',
        },
        {
          path: '/Tags/0/Value',
          expected: 'a',
          actual: 'b',
          kind: 'NOT_EQUAL',
          suppressedBy: 'tags are ours',
        },
      ],
    },
    {
      logicalId: 'Bucket',
      type: 'AWS::S3::Bucket',
      status: 'IN_SYNC',
      differences: [],
    },
  ],
  ...overrides,
});

const inSync = (checkedAt: string, overrides: Partial<DriftResult> = {}): DriftResult => ({
  status: 'IN_SYNC',
  driftedResources: 0,
  checkedAt,
  reused: true,
  resources: [],
  ...overrides,
});

/** What history answers of a result: no resources, no reason when it has none. */
const summaryOf = ({ resources: _, ...rest }: DriftResult) => rest;

describe.each(databases.eachSupportedId())('DriftStore on %s', databaseId => {
  async function store() {
    const knex = await databases.init(databaseId);
    return { knex, drift: await DriftStore.create(knex) };
  }

  it('answers the latest result whole: its resources, a number of resources, a boolean', async () => {
    const { drift } = await store();
    await drift.save(ACME, ARN, inSync('2026-12-01T10:00:00.000Z'));
    await drift.save(ACME, ARN, drifted('2026-12-01T11:00:00.000Z'));
    await drift.save(BETA, ARN, inSync('2026-12-01T12:00:00.000Z'));

    const latest = await drift.latest(ACME);
    expect(latest).toEqual(drifted('2026-12-01T11:00:00.000Z'));
    expect(typeof latest?.driftedResources).toBe('number');
    expect(latest?.reused).toBe(false);
    expect((await drift.latest(BETA))?.reused).toBe(true);
    expect(await drift.latest('resource:default/nobody')).toBeUndefined();
  });

  it('keeps a reason, a long stack ARN and a large resource list', async () => {
    const { drift } = await store();
    const longArn = `${ARN}/${'x'.repeat(1500)}`;
    const resources = Array.from({ length: 200 }, (_, i) => ({
      logicalId: `Resource${i}`,
      type: 'AWS::SSM::Parameter',
      status: 'DELETED' as const,
      differences: [],
    }));
    const failed: DriftResult = {
      status: 'CHECK_FAILED',
      driftedResources: 0,
      checkedAt: '2026-12-01T10:00:00.000Z',
      reused: false,
      reason: `DetectStackDrift: ${'é'.repeat(2000)}`,
      resources,
    };
    await drift.save(ACME, longArn, failed);

    expect(await drift.latest(ACME)).toEqual(failed);
  });

  it('keeps a reason holding a NUL character, which PostgreSQL text refuses, with U+FFFD in its place', async () => {
    const { drift } = await store();
    // What a proxy's binary answer can put in the reason (awsErrorLine quotes its body).
    const reason =
      'CloudFormation DescribeStacks at http://127.0.0.1:1/: HTTP 502 with a body that is not an AWS answer: "\u0000\u0001PK"';
    await drift.save(ACME, ARN, inSync('2026-12-01T10:00:00.000Z', { status: 'CHECK_FAILED', reason }));

    expect((await drift.latest(ACME))?.reason).toBe(reason.replace('\u0000', '\uFFFD'));
  });

  it('answers the history newest first, at most `limit`, without resources', async () => {
    const { drift } = await store();
    const results = [
      inSync('2026-12-01T09:00:00.000Z'),
      drifted('2026-12-01T10:00:00.000Z', { driftedResources: 3 }),
      inSync('2026-12-01T11:00:00.000Z', {
        status: 'UNKNOWN',
        reason: 'the stack is being updated',
        reused: false,
      }),
    ];
    for (const result of results) await drift.save(ACME, ARN, result);
    await drift.save(BETA, ARN, drifted('2026-12-01T12:00:00.000Z'));

    expect(await drift.history(ACME)).toEqual([...results].reverse().map(summaryOf));
    expect(await drift.history(ACME, 2)).toEqual([results[2], results[1]].map(summaryOf));
    expect(await drift.history('resource:default/nobody')).toEqual([]);
  });

  it('prunes the checks before the cut-off except each deployment’s latest, and says how many', async () => {
    const { drift } = await store();
    await drift.save(ACME, ARN, inSync('2025-01-01T00:00:00.000Z'));
    await drift.save(ACME, ARN, inSync('2025-02-01T00:00:00.000Z'));
    await drift.save(ACME, ARN, drifted('2026-12-01T00:00:00.000Z'));
    await drift.save(BETA, ARN, inSync('2025-01-01T00:00:00.000Z'));
    await drift.save(BETA, ARN, drifted('2025-03-01T00:00:00.000Z'));

    expect(await drift.prune('2026-01-01T00:00:00.000Z')).toBe(3);
    expect((await drift.history(ACME)).map(s => s.checkedAt)).toEqual(['2026-12-01T00:00:00.000Z']);
    // BETA was last checked long ago: its last result stays.
    expect((await drift.history(BETA)).map(s => s.checkedAt)).toEqual(['2025-03-01T00:00:00.000Z']);
    expect(await drift.prune('2026-01-01T00:00:00.000Z')).toBe(0);
  });

  it('remembers the drift each owner was told about, replaces it, and forgets it', async () => {
    const { knex, drift } = await store();
    expect(await drift.notifiedFingerprint(ACME)).toBeUndefined();

    await drift.setNotified(ACME, 'BotService:/DesiredCount', '2026-12-01T10:00:00.000Z');
    await drift.setNotified(BETA, 'Bucket:DELETED', '2026-12-01T10:00:00.000Z');
    await drift.setNotified(ACME, 'BotService:/DesiredCount,Bucket:DELETED', '2026-12-01T11:00:00.000Z');

    expect(await drift.notifiedFingerprint(ACME)).toBe('BotService:/DesiredCount,Bucket:DELETED');
    expect(await knex('drift_notifications').where({ entity_ref: ACME }).select('notified_at')).toEqual([
      { notified_at: '2026-12-01T11:00:00.000Z' },
    ]);

    await drift.setNotified(ACME, undefined, '2026-12-01T12:00:00.000Z');
    expect(await drift.notifiedFingerprint(ACME)).toBeUndefined();
    expect(await drift.notifiedFingerprint(BETA)).toBe('Bucket:DELETED');
  });
});
