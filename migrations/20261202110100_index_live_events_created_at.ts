import type { Knex } from 'knex';

/** The retention sweep deletes by age; without this it would read the whole table each time. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('live_events', (t) => {
    t.index(['created_at'], 'live_events_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('live_events', (t) => {
    t.dropIndex(['created_at'], 'live_events_created_at_index');
  });
}
