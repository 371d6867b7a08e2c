import type { Knex } from 'knex';

/**
 * Which activity holds a digest's claim (workflow run and activity id, the same on every retry), so
 * a retry knows a pending claim it meets is its own earlier attempt's, whose outcome is unknown,
 * rather than another run's send in flight.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notification_digests', (t) => {
    t.text('claimed_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notification_digests', (t) => {
    t.dropColumn('claimed_by');
  });
}
