import type { Knex } from 'knex';

/**
 * The staged rollout of email and SMS: one row per channel and role, the share (0-100 %) of that
 * role's users who get the channel. A channel and role without a row is at 100 %, so an empty
 * table (the state after this migration) means everyone gets everything, as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_rollout', (t) => {
    t.string('channel', 10).notNullable();
    t.string('role', 20).notNullable();
    t.smallint('share').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.primary(['channel', 'role']);
    t.check("channel in ('email', 'sms')", [], 'notification_rollout_channel_check');
    t.check("role in ('customer', 'technician', 'admin')", [], 'notification_rollout_role_check');
    t.check('share between 0 and 100', [], 'notification_rollout_share_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_rollout');
}
