import type { Knex } from 'knex';

/** One row per move. `move_id` is derived from the workflow, so a retried activity cannot write a move twice. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repair_history', (t) => {
    t.bigIncrements('id').primary();
    t.integer('repair_id').notNullable().references('repairs.id').onDelete('CASCADE');
    t.string('move_id', 150).notNullable().unique();
    t.string('move', 20).notNullable();
    t.string('from_status', 20);
    t.string('to_status', 20).notNullable();
    t.integer('by_user_id').references('users.id');
    t.string('role', 20).notNullable();
    t.text('reason');
    t.text('notes');
    t.integer('technician_id').references('technicians.id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['repair_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repair_history');
}
