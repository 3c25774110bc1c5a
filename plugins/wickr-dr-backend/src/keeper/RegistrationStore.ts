import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { storableText } from '../storableText';

const migrationsDir = resolvePackagePath('@wickr-dr/backstage-plugin-wickr-dr-backend', 'migrations');

/** What the keeper made of a bot's log: registered (a banner handled), waiting (none yet) or unreadable. */
export type KeeperStatus = 'registered' | 'waiting' | 'unreadable';

/** What the keeper remembers of one deployment's bot (times in ms since the epoch). Never the password. */
export interface KeeperRecord {
  status: KeeperStatus;
  /** The log has been read up to here; the next look starts a little before it. */
  lastLookAt?: number;
  /** The last banner handled: its log event id and when the bot printed it. */
  lastBannerId?: string;
  lastBannerAt?: number;
  /** When the keeper stored a generated password in the secret. */
  passwordStoredAt?: number;
  /** The bot's last login the keeper saw. */
  lastLoginAt?: number;
  /** Why, for unreadable. */
  reason?: string;
}

const TIMES = {
  lastLookAt: 'last_look_at',
  lastBannerAt: 'last_banner_at',
  passwordStoredAt: 'password_stored_at',
  lastLoginAt: 'last_login_at',
} as const;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const ms = (value: string | null) => (value === null ? undefined : Date.parse(value));

function toRecord(row: any): KeeperRecord {
  const record: KeeperRecord = { status: row.status };
  for (const [key, column] of Object.entries(TIMES)) {
    const value = ms(row[column]);
    if (value !== undefined) record[key as keyof typeof TIMES] = value;
  }
  if (row.last_banner_id) record.lastBannerId = row.last_banner_id;
  if (row.reason) record.reason = row.reason;
  return record;
}

/** The password keeper's memory, one row per deployment entity. */
export class RegistrationStore {
  static async create(knex: Knex, options: { skipMigrations?: boolean } = {}) {
    if (!options.skipMigrations) await knex.migrate.latest({ directory: migrationsDir });
    return new RegistrationStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async get(entityRef: string): Promise<KeeperRecord | undefined> {
    const row = await this.knex('bot_registrations').where({ entity_ref: entityRef }).first();
    return row && toRecord(row);
  }

  /** Every deployment's record, by entity ref. */
  async all(): Promise<Map<string, KeeperRecord>> {
    const rows = await this.knex('bot_registrations').select();
    return new Map(rows.map(row => [row.entity_ref, toRecord(row)]));
  }

  async save(entityRef: string, record: KeeperRecord, at: number): Promise<void> {
    const row = {
      entity_ref: entityRef,
      status: record.status,
      last_look_at: iso(record.lastLookAt),
      last_banner_id: record.lastBannerId ?? null,
      last_banner_at: iso(record.lastBannerAt),
      password_stored_at: iso(record.passwordStoredAt),
      last_login_at: iso(record.lastLoginAt),
      reason: storableText(record.reason),
      updated_at: new Date(at).toISOString(),
    };
    await this.knex('bot_registrations').insert(row).onConflict('entity_ref').merge();
  }
}
