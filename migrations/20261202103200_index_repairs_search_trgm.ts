import type { Knex } from 'knex';

/**
 * GET /api/repairs?q: a case-insensitive substring of the unit number or the description
 * (ILIKE '%q%'), which a b-tree cannot serve. One trigram index over both columns: each ILIKE
 * is a bitmap scan of it, OR-ed. pg_trgm is enabled by 20261201132000.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index repairs_search_trgm on repairs using gin (unit_number gin_trgm_ops, description gin_trgm_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index repairs_search_trgm');
}
