import type { Knex } from 'knex';

/** An admin's GET /api/repairs?createdFrom&createdTo across every customer, and sort=createdAt. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.index(['created_at'], 'repairs_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropIndex(['created_at'], 'repairs_created_at_index');
  });
}
