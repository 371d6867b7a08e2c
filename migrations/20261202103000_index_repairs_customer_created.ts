import type { Knex } from 'knex';

/**
 * GET /api/repairs for a customer (their visibility) or with ?customerId, often within a
 * createdFrom/createdTo range or sorted by createdAt; also the CSV export of one fleet.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.index(['customer_id', 'created_at'], 'repairs_customer_created_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropIndex(['customer_id', 'created_at'], 'repairs_customer_created_index');
  });
}
