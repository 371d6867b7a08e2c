import type { Knex } from 'knex';

/** A user's own time zone (IANA name), set from their profile; null means the deployment's default. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('timezone', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('timezone');
  });
}
