import type { Knex } from 'knex';

/**
 * Tokens carry the session version they were issued under; bumping it ends every session of the
 * user at once (password change or reset, deactivation, log out everywhere).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('session_version').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('session_version');
  });
}
