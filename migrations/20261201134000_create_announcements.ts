import type { Knex } from 'knex';

/**
 * An admin's message to an audience. The row exists before its workflow starts, so its id keys
 * both the workflow and each recipient's notification; `idempotency_key` (the client's, per admin)
 * makes a repeated request find the first one instead of announcing twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('announcements', (t) => {
    t.bigIncrements('id').primary();
    t.string('title', 200).notNullable();
    t.text('message').notNullable();
    t.string('priority', 10).notNullable();
    t.string('audience', 20).notNullable();
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.string('idempotency_key', 100);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['created_by', 'idempotency_key']);
    t.index(['created_at']);
    t.check("priority in ('URGENT', 'HIGH', 'MEDIUM', 'LOW')", [], 'announcements_priority_check');
    t.check("audience in ('all', 'customers', 'technicians', 'admins')", [], 'announcements_audience_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('announcements');
}
