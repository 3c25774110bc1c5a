import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { OperationRecord } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath('@wickr-dr/backstage-plugin-wickr-dr-backend', 'migrations');

const TABLE = 'operation_records';

/** The catalog compares entity refs without regard to case; so does the store. */
const key = (entityRef: string) => entityRef.toLocaleLowerCase('en-US');

function toRecord(row: any): OperationRecord {
  return {
    entityRef: row.entity_ref,
    operation: row.operation,
    by: row.by_ref,
    at: row.recorded_at,
    outcome: row.outcome,
    ...(row.detail && { detail: row.detail }),
    ...(row.task_id && { taskId: row.task_id }),
  };
}

/**
 * Who did what to each deployment and when. Records are kept by entity ref, so they
 * outlive the entity (a teardown removes it); `prune` deletes them by age only.
 */
export class OperationStore {
  static async create(knex: Knex, options: { skipMigrations?: boolean } = {}) {
    if (!options.skipMigrations) await knex.migrate.latest({ directory: migrationsDir });
    return new OperationStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** Adds a record; answers it as the store keeps it (the ref lower-cased). */
  async add(record: OperationRecord): Promise<OperationRecord> {
    await this.knex(TABLE).insert({
      entity_ref: key(record.entityRef),
      operation: record.operation,
      by_ref: record.by,
      outcome: record.outcome,
      detail: record.detail ?? null,
      task_id: record.taskId ?? null,
      recorded_at: record.at,
    });
    return { ...record, entityRef: key(record.entityRef) };
  }

  /** The latest `limit` records of the deployment recorded at or after `since` (ISO 8601), newest first. */
  async latest(entityRef: string, options: { limit: number; since: string }): Promise<OperationRecord[]> {
    const rows = await this.knex(TABLE)
      .where({ entity_ref: key(entityRef) })
      .andWhere('recorded_at', '>=', options.since)
      // Two records of the same millisecond keep the order they were written in.
      .orderBy([
        { column: 'recorded_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(toRecord);
  }

  /** Whether the deployment has a record at or after `since`, whether or not its entity still exists. */
  async hasRecords(entityRef: string, since: string): Promise<boolean> {
    const row = await this.knex(TABLE)
      .where({ entity_ref: key(entityRef) })
      .andWhere('recorded_at', '>=', since)
      .first('id');
    return row !== undefined;
  }

  /** Deletes every record made before `before` (ISO 8601); answers how many. */
  async prune(before: string): Promise<number> {
    return this.knex(TABLE).where('recorded_at', '<', before).delete();
  }
}
