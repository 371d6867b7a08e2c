import type { Knex } from 'knex';

/**
 * One notification per comment and user: a comment's notices written again insert nothing twice
 * (the way `event_id, user_id` dedupes events). It also serves "the notifications of comment X".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.unique(['comment_id', 'user_id'], { indexName: 'notifications_comment_user_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropUnique(['comment_id', 'user_id'], 'notifications_comment_user_unique');
  });
}
