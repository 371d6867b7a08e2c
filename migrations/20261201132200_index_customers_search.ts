import type { Knex } from 'knex';

/** GET /api/customers?q: one trigram index over the three columns it searches. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index customers_search_trgm on customers using gin (name gin_trgm_ops, email gin_trgm_ops, phone gin_trgm_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index customers_search_trgm');
}
