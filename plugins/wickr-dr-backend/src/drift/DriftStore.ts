import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { DriftResult, DriftSummary } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { Knex } from 'knex';
import { storableText } from '../storableText';

const migrationsDir = resolvePackagePath('@wickr-dr/backstage-plugin-wickr-dr-backend', 'migrations');

/** Drift results with their history, and which drift each deployment's owner was told about. */
export class DriftStore {
  static async create(knex: Knex, options: { skipMigrations?: boolean } = {}) {
    if (!options.skipMigrations) await knex.migrate.latest({ directory: migrationsDir });
    return new DriftStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async save(entityRef: string, stackArn: string, result: DriftResult): Promise<void> {
    await this.knex('drift_checks').insert({
      entity_ref: entityRef,
      stack_arn: stackArn,
      status: result.status,
      drifted_resources: result.driftedResources,
      reused: result.reused,
      reason: storableText(result.reason),
      checked_at: result.checkedAt,
      resources: JSON.stringify(result.resources),
    });
  }

  async latest(entityRef: string): Promise<DriftResult | undefined> {
    const row = await this.knex('drift_checks').where({ entity_ref: entityRef }).orderBy('id', 'desc').first();
    return row && { ...summary(row), resources: JSON.parse(row.resources) };
  }

  async history(entityRef: string, limit = 20): Promise<DriftSummary[]> {
    const rows = await this.knex('drift_checks')
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc')
      .limit(limit)
      .select('status', 'drifted_resources', 'reused', 'reason', 'checked_at');
    return rows.map(summary);
  }

  /**
   * Deletes the checks made before `before` (an ISO time), except each deployment's
   * latest, so that a deployment checked long ago still shows its last result.
   * Answers how many were deleted.
   */
  async prune(before: string): Promise<number> {
    // A derived table, as MySQL refuses a subquery on the table a DELETE changes.
    const latestIds = this.knex
      .select('id')
      .from(this.knex('drift_checks').max('id as id').groupBy('entity_ref').as('latest'));
    return this.knex('drift_checks').where('checked_at', '<', before).whereNotIn('id', latestIds).delete();
  }

  async notifiedFingerprint(entityRef: string): Promise<string | undefined> {
    const row = await this.knex('drift_notifications').where({ entity_ref: entityRef }).first();
    return row?.fingerprint;
  }

  async setNotified(entityRef: string, fingerprint: string | undefined, at: string): Promise<void> {
    if (fingerprint === undefined) {
      await this.knex('drift_notifications').where({ entity_ref: entityRef }).delete();
      return;
    }
    await this.knex('drift_notifications')
      .insert({ entity_ref: entityRef, fingerprint, notified_at: at })
      .onConflict('entity_ref')
      .merge();
  }
}

function summary(row: any): DriftSummary {
  return {
    status: row.status,
    driftedResources: row.drifted_resources,
    reused: Boolean(row.reused),
    checkedAt: row.checked_at,
    ...(row.reason && { reason: row.reason }),
  };
}
