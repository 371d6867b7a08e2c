import type { Knex } from 'knex';

/**
 * Trigram indexes let the directories' `q` (a case-insensitive substring, ILIKE '%q%') use an
 * index; a b-tree cannot serve a pattern with a leading wildcard. pg_trgm ships with PostgreSQL
 * and is a trusted extension (13+), so the database owner may create it without superuser.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop extension if exists pg_trgm');
}
