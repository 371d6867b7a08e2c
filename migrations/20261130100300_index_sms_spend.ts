import type { Knex } from 'knex';

/** The SMS spend guard sums this month's sent SMS costs before every non-urgent SMS. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "create index delivery_logs_sms_spend on delivery_logs (created_at) include (cost_estimate) where channel = 'sms' and status = 'sent'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_sms_spend');
}
