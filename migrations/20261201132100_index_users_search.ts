import type { Knex } from 'knex';

/** GET /api/users?q: one trigram index over the three columns it searches (a BitmapOr of its parts). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index users_search_trgm on users using gin (username gin_trgm_ops, email gin_trgm_ops, phone gin_trgm_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index users_search_trgm');
}
