import type { Knex } from 'knex';

/**
 * The shared send schedule of a rate-limited provider (src/db/queries/send-rate.ts): the earliest
 * moment the next send may start. One row per provider, so every worker paces against the same
 * clock; a reservation is one statement on this row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('send_rate_limits', (t) => {
    t.text('name').primary();
    t.specificType('next_at', 'timestamptz').notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('send_rate_limits');
}
