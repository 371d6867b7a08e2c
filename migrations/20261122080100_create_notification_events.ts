import type { Knex } from 'knex';

/**
 * The outbox of things people must be told: written in the same transaction as the move that
 * caused it, deduplicated by key, and turned into notifications by the notification system.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('dedupe_key', 200).notNullable().unique();
    t.string('type', 50).notNullable();
    t.integer('repair_id').references('repairs.id').onDelete('CASCADE');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('processed_at', { useTz: true });
    t.index(['repair_id']);
  });
  await knex.raw('create index notification_events_unprocessed on notification_events (id) where processed_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_events');
}
