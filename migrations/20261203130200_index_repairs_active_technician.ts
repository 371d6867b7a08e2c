import type { Knex } from 'knex';

/**
 * Each technician's active repairs (GET /api/technicians' activeRepairs, and the load the
 * automatic assignment balances): only the open repairs, which stay a few thousand while the
 * finished ones pile up for years.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "create index repairs_active_technician_index on repairs (technician_id) where status in ('REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index repairs_active_technician_index');
}
