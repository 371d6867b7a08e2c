import type { Knex } from 'knex';

/** A repair's comment thread, read oldest first (`repair_id, id`). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repair_comments', (t) => {
    t.bigIncrements('id').primary();
    t.integer('repair_id').notNullable().references('repairs.id').onDelete('CASCADE');
    t.integer('author_user_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['repair_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repair_comments');
}
