import type { Knex } from 'knex';

/** An admin's GET /api/repairs?sort=unitNumber over every customer sorted all repairs for a page (160 ms at 200,000). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.index(['unit_number', 'id'], 'repairs_unit_number_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropIndex(['unit_number', 'id'], 'repairs_unit_number_id_index');
  });
}
