import type { Knex } from 'knex';

/**
 * When work was completed (the `complete` move). Repairs already completed take the time of their
 * complete row, so the column means the same for old repairs as for new ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.timestamp('completed_at', { useTz: true });
  });
  await knex.raw(`
    update repairs r set completed_at = h.at
    from (select repair_id, max(at) as at from repair_history where move = 'complete' group by repair_id) h
    where h.repair_id = r.id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropColumn('completed_at');
  });
}
