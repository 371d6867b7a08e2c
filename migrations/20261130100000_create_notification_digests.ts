import type { Knex } from 'knex';

/**
 * One row per user and local day: the claim that makes the daily digest go out at most once a day,
 * however often the scheduled run is retried or triggered by hand.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_digests', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.date('digest_date').notNullable();
    t.string('status', 12).notNullable();
    t.integer('notification_count').notNullable();
    t.string('recipient', 254).notNullable();
    t.string('provider_message_id', 200);
    t.string('error_code', 100);
    t.text('error_message');
    t.timestamp('sent_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['user_id', 'digest_date']);
    t.check("status in ('pending', 'sent', 'failed')", [], 'notification_digests_status_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_digests');
}
