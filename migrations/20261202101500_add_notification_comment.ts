import type { Knex } from 'knex';

/** The comment a notification tells of (null otherwise), like `event_id` for a repair's events. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.bigInteger('comment_id').references('repair_comments.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('comment_id');
  });
}
