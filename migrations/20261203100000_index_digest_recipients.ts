import type { Knex } from 'knex';

/**
 * The hourly digest run pages through the users who asked for a digest by email, in user id
 * order, many times a day: a partial index holds just them, so a run never walks everyone else.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'create index notification_preferences_digest_recipients_index on notification_preferences (user_id) where digest_enabled and email_enabled',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index notification_preferences_digest_recipients_index');
}
