// @ts-check

/**
 * What the password keeper remembers of each deployment's bot: how far it has read the
 * log, the last generated-password banner it handled, and what it made of it. Never the
 * password itself.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('bot_registrations', table => {
    table.string('entity_ref').primary();
    /** The keeper has read the log up to here (ISO 8601); the next look starts a little before. */
    table.string('last_look_at').nullable();
    /** The log event id of the last banner handled, and when the bot printed it. */
    table.string('last_banner_id').nullable();
    table.string('last_banner_at').nullable();
    /** When the keeper stored a generated password in the secret. */
    table.string('password_stored_at').nullable();
    /** The bot's last login the keeper saw. */
    table.string('last_login_at').nullable();
    /** registered, waiting or unreadable. */
    table.string('status').notNullable();
    /** Why, for unreadable. */
    table.text('reason').nullable();
    table.string('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('bot_registrations');
};
