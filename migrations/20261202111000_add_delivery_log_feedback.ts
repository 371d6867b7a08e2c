import type { Knex } from 'knex';

/**
 * What SES reported after accepting an email (over SNS): delivered, bounced (permanently) or
 * complained. Kept beside `status`, which stays `sent`: the message did go out once, and the
 * one-send guarantees (the unique index, retries) are about that.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_logs', (t) => {
    t.string('feedback', 12);
    t.timestamp('feedback_at', { useTz: true });
    t.check("feedback in ('delivered', 'bounced', 'complained')", [], 'delivery_logs_feedback_check');
  });
  // SES events name the message by the id SendEmail returned.
  await knex.raw(
    'create index delivery_logs_provider_message_id on delivery_logs (provider_message_id) where provider_message_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_provider_message_id');
  await knex.schema.alterTable('delivery_logs', (t) => {
    t.dropChecks(['delivery_logs_feedback_check']);
    t.dropColumn('feedback');
    t.dropColumn('feedback_at');
  });
}
