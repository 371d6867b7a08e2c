import type { Knex } from 'knex';

/** Who referred whom: a user can be referred once, which is what makes the credit happen once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referrals', (t) => {
    t.increments('id').primary();
    t.integer('referrer_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('referred_user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    t.string('code', 20).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('referrals');
}
