import type { Knex } from 'knex';

/** The in-app record, one per recipient and event; `content` keeps the rendered email and SMS. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('event_id').references('notification_events.id').onDelete('SET NULL');
    t.integer('repair_id').references('repairs.id').onDelete('SET NULL');
    t.string('title', 200).notNullable();
    t.text('message').notNullable();
    t.string('category', 20).notNullable();
    t.string('priority', 10).notNullable();
    t.string('action_url', 500);
    t.jsonb('channels').notNullable().defaultTo('[]');
    t.jsonb('content').notNullable().defaultTo('{}');
    t.boolean('email_sent').notNullable().defaultTo(false);
    t.boolean('sms_sent').notNullable().defaultTo(false);
    t.boolean('is_read').notNullable().defaultTo(false);
    t.timestamp('read_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'user_id']);
    t.index(['user_id', 'is_read', 'created_at']);
    t.check("priority in ('URGENT', 'HIGH', 'MEDIUM', 'LOW')", [], 'notifications_priority_check');
    t.check("category in ('repair_status', 'assignment', 'approval', 'reward', 'system')", [], 'notifications_category_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications');
}
