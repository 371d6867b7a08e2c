import type { Knex } from 'knex';

/** The local transport's sent messages (development default), listed by GET /api/admin/outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox_messages', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('notification_id').notNullable().references('notifications.id').onDelete('CASCADE');
    t.string('channel', 10).notNullable();
    t.string('to', 254).notNullable();
    t.string('subject', 200);
    t.text('body').notNullable();
    t.text('html');
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['notification_id', 'channel']);
    t.index(['sent_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox_messages');
}
