import type { Knex } from 'knex';

/** One row: the brand applied to every email. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('brand_settings', (t) => {
    t.integer('id').primary().defaultTo(1);
    t.string('company_name', 200).notNullable();
    t.string('logo_url', 500);
    t.string('primary_color', 20).notNullable();
    t.string('accent_color', 20).notNullable();
    t.text('footer_text').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('id = 1', [], 'brand_settings_single_row');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('brand_settings');
}
