import type { Knex } from 'knex';

/** One row per delivery attempt of a notification on a channel. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delivery_logs', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('notification_id').notNullable().references('notifications.id').onDelete('CASCADE');
    t.string('channel', 10).notNullable();
    t.string('status', 12).notNullable();
    t.integer('attempt').notNullable();
    t.string('recipient', 254);
    t.string('provider_message_id', 200);
    t.string('error_code', 100);
    t.text('error_message');
    t.decimal('cost_estimate', 10, 5);
    t.timestamps(true, true);
    t.unique(['notification_id', 'channel', 'attempt']);
    t.index(['status', 'channel', 'id']);
    t.index(['created_at']);
    t.check("channel in ('email', 'sms')", [], 'delivery_logs_channel_check');
    t.check("status in ('pending', 'sent', 'failed', 'suppressed')", [], 'delivery_logs_status_check');
  });
  // At most one successful send per notification and channel, whatever happens to the workers.
  await knex.raw("create unique index delivery_logs_one_sent on delivery_logs (notification_id, channel) where status = 'sent'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_logs');
}
