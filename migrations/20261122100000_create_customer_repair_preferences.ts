import type { Knex } from 'knex';

/**
 * A customer's lot-walking preferences (how often and when they want their lot walked for damage).
 * One row per customer, keyed by the customer; a customer without a row has the defaults, so the
 * column defaults here are those same defaults. Only preferences are stored: nothing schedules
 * walks from them yet.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_repair_preferences', (t) => {
    t.integer('customer_id').primary().references('customers.id').onDelete('CASCADE');
    t.boolean('lot_walking_enabled').notNullable().defaultTo(false);
    t.text('frequency').notNullable().defaultTo('MONTHLY');
    // Weekday names, e.g. ["MONDAY","THURSDAY"]; validated by the API, shape-checked here.
    t.jsonb('days').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.text('time').notNullable().defaultTo('09:00');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("frequency in ('WEEKLY', 'BIWEEKLY', 'MONTHLY', 'QUARTERLY')", [], 'customer_repair_preferences_frequency_check');
    t.check("jsonb_typeof(days) = 'array'", [], 'customer_repair_preferences_days_check');
    t.check("time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'", [], 'customer_repair_preferences_time_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('customer_repair_preferences');
}
