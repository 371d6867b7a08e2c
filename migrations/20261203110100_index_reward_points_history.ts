import type { Knex } from 'knex';

/**
 * A customer's points history lists their ledger newest first, a page at a time after a
 * (created_at, id) cursor: with this index each page is one range scan of the user's entries.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index reward_points_user_history_index on reward_points (user_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index reward_points_user_history_index');
}
