// @ts-check

/**
 * Which scaffolder task holds each stack: one row per stack being deployed or changed,
 * shared by every backend replica through the scaffolder plugin's database. The row is
 * taken by a deployment's first step and deleted by its last; a row whose task has ended
 * (or whose task stopped heart-beating) may be taken over by another task.
 * Kept with its own migrations table (wickr_dr_knex_migrations), apart from the scaffolder's.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('wickr_dr_stack_locks', table => {
    /** account/region/stackName; `main` for the main account. */
    table.string('stack_key', 255).primary();
    /** The scaffolder task that holds the stack. */
    table.string('task_id', 64).notNullable();
    /** When that task took it (the database's clock). */
    table.timestamp('acquired_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('wickr_dr_stack_locks');
};
