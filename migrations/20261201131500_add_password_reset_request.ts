import type { Knex } from 'knex';

/**
 * A reset is issued by an activity of its own workflow: the request's key makes a retried activity
 * find the token it already issued, and the notification is the email that carries it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('password_resets', (t) => {
    t.string('request_key', 100).nullable().unique();
    t.bigInteger('notification_id').nullable().references('notifications.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('password_resets', (t) => {
    t.dropColumn('notification_id');
    t.dropColumn('request_key');
  });
}
