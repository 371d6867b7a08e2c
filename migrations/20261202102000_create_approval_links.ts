import type { Knex } from 'knex';

/**
 * Approve-from-the-message links: one per approval-needed notification (so a retried
 * materialization finds its link), by the token's SHA-256 only. A link works while its repair is
 * PENDING, until `expires_at`, and once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('approval_links', (t) => {
    t.bigIncrements('id').primary();
    t.integer('repair_id').notNullable().references('repairs.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('notification_id').notNullable().unique().references('notifications.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['repair_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('approval_links');
}
