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
