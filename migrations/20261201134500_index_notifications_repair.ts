import type { Knex } from 'knex';

/** The admin search by repair, newest first (the foreign key had no index of its own). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.index(['repair_id', 'created_at'], 'notifications_repair_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['repair_id', 'created_at'], 'notifications_repair_created_at_index');
  });
}
