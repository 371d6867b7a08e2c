import type { Knex } from 'knex';

/**
 * The points ledger: a customer user's balance is the sum of their entries. Each entry has a
 * unique reference to what caused it, so a retried credit or debit is written once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reward_points', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('delta').notNullable();
    t.string('reason', 30).notNullable();
    t.string('ref', 100).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
    t.check("reason in ('repair_completed', 'referral_referrer', 'referral_referred', 'redemption')", [], 'reward_points_reason_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reward_points');
}
