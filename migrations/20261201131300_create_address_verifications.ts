import type { Knex } from 'knex';

/**
 * The outstanding verification code of a user's email or phone: one per user and channel (a new
 * request replaces it), hashed with scrypt, for the address it was sent to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('address_verifications', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('channel', 10).notNullable();
    t.string('address', 254).notNullable();
    t.string('code_hash', 255).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('consumed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'channel']);
    t.check("channel in ('email', 'sms')", [], 'address_verifications_channel_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('address_verifications');
}
