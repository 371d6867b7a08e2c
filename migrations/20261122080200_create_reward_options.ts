import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reward_options', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.integer('points_required').notNullable();
    t.string('discount_type', 10).notNullable();
    t.decimal('discount_value', 10, 2).notNullable();
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.check("discount_type in ('PERCENT', 'FIXED')", [], 'reward_options_discount_type_check');
    t.check('points_required >= 0 and discount_value >= 0', [], 'reward_options_non_negative');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reward_options');
}
