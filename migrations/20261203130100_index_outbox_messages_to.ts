import type { Knex } from 'knex';

/** GET /api/admin/outbox?to= read every message (880,000 at 100× in bench:scale: 140 ms) to find one address's, newest first. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.index(['to', 'sent_at', 'id'], 'outbox_messages_to_sent_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.dropIndex(['to', 'sent_at', 'id'], 'outbox_messages_to_sent_at_index');
  });
}
