import type { Knex } from 'knex';

/** The admin search lists all notifications newest first, often within a from/to range. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.index(['created_at', 'id'], 'notifications_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['created_at', 'id'], 'notifications_created_at_index');
  });
}
