import type { Knex } from 'knex';

/**
 * A repair whose workflow is not yet known to run: written in the transaction that creates the
 * repair, removed once the start of `repair-<id>` is confirmed. What is left behind (the API died,
 * or Temporal could not say whether the start landed) is undone later by the sweep, so no repair
 * row outlives a creation that was answered with an error.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('unconfirmed_repair_starts', (t) => {
    t.integer('repair_id').primary().references('repairs.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('unconfirmed_repair_starts');
}
