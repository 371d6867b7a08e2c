import type { Knex } from 'knex';

/** GET /api/repairs?technicianId, within a created range or by createdAt (the workload of one technician). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.index(['technician_id', 'created_at'], 'repairs_technician_created_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropIndex(['technician_id', 'created_at'], 'repairs_technician_created_index');
  });
}
