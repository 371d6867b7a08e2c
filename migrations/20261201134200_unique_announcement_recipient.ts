import type { Knex } from 'knex';

/**
 * One notification per announcement and user: a retried page of an announcement inserts nothing
 * twice (the way `event_id, user_id` dedupes events). It also serves "the notifications of X".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.unique(['announcement_id', 'user_id'], { indexName: 'notifications_announcement_user_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropUnique(['announcement_id', 'user_id'], 'notifications_announcement_user_unique');
  });
}
