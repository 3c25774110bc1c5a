// The store on real databases: PostgreSQL 15 (the one `npm test` starts) and SQLite.
import { TestDatabases } from '@backstage/backend-test-utils';
import { supportedIds } from '../__testUtils__/databases';
import { KeeperRecord, RegistrationStore } from './RegistrationStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

it('runs on PostgreSQL 15 and SQLite', () => {
  expect(supportedIds(databases)).toEqual(['POSTGRES_15', 'SQLITE_3']);
});

const ACME = 'resource:default/acme-123456789012-euw2';
const BETA = 'resource:default/beta-123456789012-euw2';
const at = (iso: string) => Date.parse(iso);
// A CloudWatch Logs event id: 56 digits.
const EVENT_ID = '3'.repeat(56);

const registered: KeeperRecord = {
  status: 'registered',
  lastLookAt: at('2026-12-01T10:00:00.123Z'),
  lastBannerId: EVENT_ID,
  lastBannerAt: at('2026-12-01T09:59:00.000Z'),
  passwordStoredAt: at('2026-12-01T10:00:01.000Z'),
  lastLoginAt: at('2026-12-01T09:59:05.000Z'),
};

describe.each(databases.eachSupportedId())('RegistrationStore on %s', databaseId => {
  async function store() {
    const knex = await databases.init(databaseId);
    return { knex, registrations: await RegistrationStore.create(knex) };
  }

  it('answers a record as it was saved: times as milliseconds, unset fields absent', async () => {
    const { registrations } = await store();
    await registrations.save(ACME, registered, at('2026-12-01T10:00:02.000Z'));
    await registrations.save(BETA, { status: 'waiting', lastLookAt: at('2026-12-01T10:00:00.000Z') }, Date.now());

    expect(await registrations.get(ACME)).toEqual(registered);
    expect(await registrations.get(BETA)).toEqual({
      status: 'waiting',
      lastLookAt: at('2026-12-01T10:00:00.000Z'),
    });
    expect(await registrations.get('resource:default/nobody')).toBeUndefined();
  });

  it('replaces a deployment’s record on the next save, clearing what the new one leaves out', async () => {
    const { knex, registrations } = await store();
    await registrations.save(ACME, registered, at('2026-12-01T10:00:02.000Z'));
    const unreadable: KeeperRecord = {
      status: 'unreadable',
      lastLookAt: at('2026-12-01T11:00:00.000Z'),
      reason: 'the line after the banner is not a password: it holds 2 words, not one value',
    };
    await registrations.save(ACME, unreadable, at('2026-12-01T11:00:01.000Z'));

    expect(await registrations.get(ACME)).toEqual(unreadable);
    expect(await knex('bot_registrations').select('entity_ref', 'updated_at')).toEqual([
      { entity_ref: ACME, updated_at: '2026-12-01T11:00:01.000Z' },
    ]);
  });

  it('keeps a reason holding a NUL character, which PostgreSQL text refuses, with U+FFFD in its place', async () => {
    const { registrations } = await store();
    await registrations.save(ACME, { status: 'unreadable', reason: 'the line holds \u0000' }, Date.now());

    expect((await registrations.get(ACME))?.reason).toBe('the line holds \uFFFD');
  });

  it('answers every deployment’s record by entity ref', async () => {
    const { registrations } = await store();
    expect(await registrations.all()).toEqual(new Map());
    await registrations.save(ACME, registered, Date.now());
    await registrations.save(BETA, { status: 'waiting' }, Date.now());

    expect(await registrations.all()).toEqual(
      new Map<string, KeeperRecord>([
        [ACME, registered],
        [BETA, { status: 'waiting' }],
      ]),
    );
  });
});
