import type { Knex } from 'knex';

/** Email and SMS go only to verified addresses; addresses set by an admin count as verified. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('email_verified').notNullable().defaultTo(true);
    t.boolean('phone_verified').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email_verified');
    t.dropColumn('phone_verified');
  });
}
