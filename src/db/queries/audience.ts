import type { Knex } from 'knex';
import { audienceRole, type Audience } from '../../domain/notifications/announcements';

/** The active users of an audience, by id (the order announcements page through them in). */
export function audienceUsers(knex: Knex | Knex.Transaction, audience: Audience): Knex.QueryBuilder {
  const role = audienceRole(audience);
  const q = knex('users').where('users.is_active', true);
  return role === null ? q : q.where('users.role', role);
}

export async function audienceSize(knex: Knex | Knex.Transaction, audience: Audience): Promise<number> {
  const row = await audienceUsers(knex, audience).count<{ count: number }[]>('* as count').first();
  return Number(row?.count ?? 0);
}
