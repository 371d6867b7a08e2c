import type { Knex } from 'knex';

/** One unguessable referral code per customer user. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referral_codes', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    t.string('code', 20).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('referral_codes');
}
