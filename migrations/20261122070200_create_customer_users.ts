import type { Knex } from 'knex';

/** Links a login to the customer (fleet) it acts for; one customer has many users. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_users', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.timestamps(true, true);
    t.index(['customer_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('customer_users');
}
