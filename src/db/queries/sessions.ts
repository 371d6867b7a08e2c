import type { Knex } from 'knex';

/**
 * Ends every session of a user: tokens issued before this carry an older version and are refused
 * on their next request. Returns the new version, for a caller that issues a fresh token.
 */
export async function endSessions(knex: Knex, userId: number): Promise<number> {
  // Aliased: result keys go through the camelCase mapper, raw column names do not come back as written.
  const [row] = await knex('users')
    .where('id', userId)
    .increment('session_version', 1)
    .returning<{ version: number }[]>('session_version as version');
  if (!row) throw new Error(`user ${userId} does not exist`);
  return row.version;
}
