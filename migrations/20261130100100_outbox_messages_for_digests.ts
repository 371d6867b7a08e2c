import type { Knex } from 'knex';

/** The local outbox also keeps digests: a message belongs to exactly one notification or one digest. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.bigInteger('notification_id').nullable().alter();
    t.bigInteger('digest_id').references('notification_digests.id').onDelete('CASCADE');
    t.unique(['digest_id']);
    t.check('(notification_id is null) <> (digest_id is null)', [], 'outbox_messages_owner_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('outbox_messages').whereNotNull('digest_id').delete();
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.dropChecks(['outbox_messages_owner_check']);
    t.dropUnique(['digest_id']);
    t.dropColumn('digest_id');
    t.bigInteger('notification_id').notNullable().alter();
  });
}
