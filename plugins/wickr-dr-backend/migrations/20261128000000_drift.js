// @ts-check

/**
 * Drift check history and the last drift each owner was told about.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('drift_checks', table => {
    table.increments('id').primary();
    table.string('entity_ref').notNullable().index();
    table.string('stack_arn', 2048).notNullable();
    table.string('status').notNullable();
    table.integer('drifted_resources').notNullable();
    table.boolean('reused').notNullable();
    table.text('reason').nullable();
    table.string('checked_at').notNullable();
    table.text('resources').notNullable();
  });
  await knex.schema.createTable('drift_notifications', table => {
    table.string('entity_ref').primary();
    table.text('fingerprint').notNullable();
    table.string('notified_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('drift_notifications');
  await knex.schema.dropTable('drift_checks');
};
