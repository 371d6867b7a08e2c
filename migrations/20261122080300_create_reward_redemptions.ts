import type { Knex } from 'knex';

/** A customer user's redeemed reward, waiting (PENDING) for the customer's next completed repair. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reward_redemptions', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id');
    t.integer('customer_id').notNullable().references('customers.id');
    t.integer('reward_option_id').notNullable().references('reward_options.id');
    t.string('status', 10).notNullable().defaultTo('PENDING');
    t.integer('applied_to_repair_id').unique().references('repairs.id');
    t.timestamp('applied_at', { useTz: true });
    t.timestamps(true, true);
    t.check("status in ('PENDING', 'APPLIED')", [], 'reward_redemptions_status_check');
    t.index(['customer_id', 'status', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reward_redemptions');
}
