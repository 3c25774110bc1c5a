// The store on real databases: PostgreSQL 15 (the one `npm test` starts) and SQLite.
import { TestDatabases } from '@backstage/backend-test-utils';
import type { OperationRecord } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { supportedIds } from '../__testUtils__/databases';
import { OperationStore } from './OperationStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

it('runs on PostgreSQL 15 and SQLite', () => {
  expect(supportedIds(databases)).toEqual(['POSTGRES_15', 'SQLITE_3']);
});

const ACME = 'resource:default/acme-123456789012-euw2';
const BETA = 'resource:default/beta-123456789012-euw2';

const record = (at: string, overrides: Partial<OperationRecord> = {}): OperationRecord => ({
  entityRef: ACME,
  operation: 'preview',
  by: 'user:default/alice',
  at,
  outcome: 'succeeded',
  ...overrides,
});

describe.each(databases.eachSupportedId())('OperationStore on %s', databaseId => {
  async function store() {
    return OperationStore.create(await databases.init(databaseId));
  }

  it('answers the latest records of one deployment, newest first, with every field it was given', async () => {
    const operations = await store();
    await operations.add(record('2026-12-01T10:00:00.000Z', { outcome: 'started', taskId: 'a1' }));
    await operations.add(record('2026-12-01T10:05:00.000Z', { detail: '3 resources to change, 1 replaced', taskId: 'a1' }));
    await operations.add(record('2026-12-01T10:03:00.000Z', { entityRef: BETA, operation: 'stop' }));

    expect(await operations.latest(ACME, { limit: 10, since: '2026-01-01T00:00:00.000Z' })).toEqual([
      record('2026-12-01T10:05:00.000Z', { detail: '3 resources to change, 1 replaced', taskId: 'a1' }),
      record('2026-12-01T10:00:00.000Z', { outcome: 'started', taskId: 'a1' }),
    ]);
  });

  it('answers at most `limit` records, and of the same moment the later written first', async () => {
    const operations = await store();
    for (const operation of ['stop', 'start', 'preview'] as const) {
      await operations.add(record('2026-12-01T10:00:00.000Z', { operation }));
    }

    const latest = await operations.latest(ACME, { limit: 2, since: '2026-01-01T00:00:00.000Z' });
    expect(latest.map(r => r.operation)).toEqual(['preview', 'start']);
  });

  it('leaves out records older than `since`, and says whether a deployment has any', async () => {
    const operations = await store();
    await operations.add(record('2025-11-30T23:59:59.999Z', { operation: 'deploy' }));
    await operations.add(record('2026-12-01T10:00:00.000Z', { operation: 'teardown' }));

    const since = '2025-12-01T00:00:00.000Z';
    expect((await operations.latest(ACME, { limit: 10, since })).map(r => r.operation)).toEqual(['teardown']);
    expect(await operations.hasRecords(ACME, since)).toBe(true);
    expect(await operations.hasRecords(ACME, '2026-12-02T00:00:00.000Z')).toBe(false);
    expect(await operations.hasRecords(BETA, '2025-01-01T00:00:00.000Z')).toBe(false);
  });

  it('finds records whatever the case of the ref, as the catalog compares refs', async () => {
    const operations = await store();
    await operations.add(record('2026-12-01T10:00:00.000Z', { entityRef: 'Resource:Default/Acme-123456789012-euw2' }));

    expect(await operations.hasRecords(ACME, '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(await operations.latest(ACME, { limit: 1, since: '2026-01-01T00:00:00.000Z' })).toEqual([
      record('2026-12-01T10:00:00.000Z'),
    ]);
  });

  it('prunes records older than the cut-off of every deployment, and only those', async () => {
    const operations = await store();
    await operations.add(record('2025-06-01T00:00:00.000Z'));
    await operations.add(record('2025-06-02T00:00:00.000Z', { entityRef: BETA }));
    await operations.add(record('2026-12-01T00:00:00.000Z'));

    expect(await operations.prune('2025-12-01T00:00:00.000Z')).toBe(2);
    expect(await operations.hasRecords(BETA, '2000-01-01T00:00:00.000Z')).toBe(false);
    expect(await operations.latest(ACME, { limit: 10, since: '2000-01-01T00:00:00.000Z' })).toEqual([
      record('2026-12-01T00:00:00.000Z'),
    ]);
  });

  it('keeps a 500-character detail whole', async () => {
    const operations = await store();
    const detail = 'é'.repeat(500);
    await operations.add(record('2026-12-01T10:00:00.000Z', { detail }));

    const [kept] = await operations.latest(ACME, { limit: 1, since: '2026-01-01T00:00:00.000Z' });
    expect(kept.detail).toBe(detail);
  });
});
