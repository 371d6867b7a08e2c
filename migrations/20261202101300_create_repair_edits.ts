import type { Knex } from 'knex';

/**
 * One row per edit of a repair's description, damage type or unit: who, when, in which status, and
 * each changed field's old and new value. Kept apart from repair_history, which stays a chain of
 * the state machine's moves. `edit_id` is derived from the workflow (`keys.edit`), so a retried
 * activity cannot write an edit twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repair_edits', (t) => {
    t.bigIncrements('id').primary();
    t.integer('repair_id').notNullable().references('repairs.id').onDelete('CASCADE');
    t.string('edit_id', 150).notNullable().unique();
    t.string('status', 20).notNullable();
    t.integer('by_user_id').references('users.id');
    t.string('role', 20).notNullable();
    t.jsonb('changes').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['repair_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repair_edits');
}
