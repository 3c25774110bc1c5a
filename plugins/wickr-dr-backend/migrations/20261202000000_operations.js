// @ts-check

/**
 * Who did what to each deployment and when: one row per record the scaffolder's day-two
 * actions send. Rows outlive the deployment's entity (a teardown removes it) and are
 * deleted once older than wickrDr.operations.historyDays. Never a secret.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('operation_records', table => {
    table.increments('id').primary();
    /** The deployment's entity ref, lower-cased as the catalog compares refs. */
    table.string('entity_ref').notNullable();
    /** One of OperationKind: deploy, preview, apply, stop, start, teardown, retention. */
    table.string('operation', 32).notNullable();
    /** The user's entity ref: the scaffolder task's initiator. */
    table.string('by_ref').notNullable();
    /** started, succeeded or failed. */
    table.string('outcome', 16).notNullable();
    /** One line of at most 500 characters. */
    table.string('detail', 500).nullable();
    /** The scaffolder task, for the link to its log. */
    table.string('task_id', 64).nullable();
    /** When the backend recorded it (ISO 8601, UTC). */
    table.string('recorded_at').notNullable();
    table.index(['entity_ref', 'recorded_at'], 'operation_records_entity_ref_recorded_at_idx');
    table.index(['recorded_at'], 'operation_records_recorded_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('operation_records');
};
