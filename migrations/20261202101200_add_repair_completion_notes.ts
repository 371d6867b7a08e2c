import type { Knex } from 'knex';

/** What the technician wrote when completing the work (`complete {notes}`); older completions had none. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.text('completion_notes');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('repairs', (t) => {
    t.dropColumn('completion_notes');
  });
}
