import type { Knex } from 'knex';

/** The announcement a notification belongs to (null for a repair's), like `event_id` for events. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.bigInteger('announcement_id').references('announcements.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('announcement_id');
  });
}
