import type { Knex } from 'knex';

/**
 * An address-verification message's target, `{channel, address}`: it goes there although the
 * address is not verified yet, and nowhere else (null on every other notification).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.jsonb('verifying');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('verifying');
  });
}
