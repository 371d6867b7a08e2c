import type { Knex } from 'knex';

/**
 * When work started (the `start` move). Repairs already past it take the time of their start row,
 * so the column means the same for old repairs as for new ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.timestamp('started_at', { useTz: true });
  });
  await knex.raw(`
    update repairs r set started_at = h.at
    from (select repair_id, max(at) as at from repair_history where move = 'start' group by repair_id) h
    where h.repair_id = r.id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropColumn('started_at');
  });
}
