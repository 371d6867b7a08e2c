import type { Knex } from 'knex';

/**
 * What GET /api/events streams: written in the transaction of the change it announces (so a
 * rolled-back change is never announced) and kept a few days so a reconnecting client resumes
 * from `Last-Event-ID` without a gap. `user_id` targets one user; otherwise the repair's
 * customer and technicians decide who may see it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('live_events', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('repair_id').nullable();
    t.integer('customer_id').nullable();
    t.integer('technician_id').nullable();
    t.integer('previous_technician_id').nullable();
    t.text('status').nullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('live_events');
}
