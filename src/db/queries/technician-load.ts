import type { Knex } from 'knex';
import { ACTIVE_STATUSES } from '../../domain/repair';

/** Technicians joined to their users, with `activeRepairs` = repairs in an active status. */
export function technicianLoadQuery(knex: Knex | Knex.Transaction): Knex.QueryBuilder {
  return knex('technicians as t')
    .join('users as u', 'u.id', 't.user_id')
    .leftJoin('repairs as r', (j) => j.on('r.technician_id', 't.id').onIn('r.status', [...ACTIVE_STATUSES]))
    .groupBy('t.id', 'u.id')
    .orderBy('t.id')
    .count({ activeRepairs: 'r.id' });
}

/**
 * A technician may be given new work only while both the technician profile and its user are
 * active: an admin pauses one with PATCH /technicians/:id and locks out the other with
 * PATCH /users/:id, and either must keep new repairs away. Kept as two flags so that undoing one
 * does not silently undo the other.
 */
export const ASSIGNABLE_SQL = 't.is_active and u.is_active';

export async function isAssignable(knex: Knex | Knex.Transaction, technicianId: number | undefined): Promise<boolean> {
  if (technicianId === undefined) return false;
  const row: unknown = await knex('technicians as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.id', technicianId)
    .whereRaw(ASSIGNABLE_SQL)
    .first('t.id');
  return row !== undefined;
}
