import type { Knex } from 'knex';

/** The guard no longer reads sent SMS alone (delivery_logs_sms_committed serves it): one index less to write. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_sms_spend');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    "create index delivery_logs_sms_spend on delivery_logs (created_at) include (cost_estimate) where channel = 'sms' and status = 'sent'",
  );
}
