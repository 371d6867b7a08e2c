import type { Knex } from 'knex';

/**
 * Ends every session of a user: tokens issued before this carry an older version and are refused
 * on their next request. Returns the new version, for a caller that issues a fresh token.
 */
export async function endSessions(knex: Knex, userId: number): Promise<number> {
  const [row] = await knex('users')
    .where('id', userId)
    .increment('session_version', 1)
    .returning<{ session_version: number }[]>('session_version');
  return row?.session_version ?? 0;
}
