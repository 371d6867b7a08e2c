import type { Knex } from 'knex';

/**
 * One-minute, single-use tickets for `GET /api/events?ticket=` (EventSource cannot send an
 * Authorization header). Only the hash is stored, so a database read does not yield a live ticket.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_tickets', (t) => {
    t.text('token_hash').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('session_version').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_tickets');
}
