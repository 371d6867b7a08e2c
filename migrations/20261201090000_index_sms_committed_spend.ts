import type { Knex } from 'knex';

/**
 * The SMS spend guard sums, under its lock, every SMS of the month that may have cost money: sent,
 * claimed (in flight) and of unknown outcome. The predicate is the guard query's, so it can use it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "create index delivery_logs_sms_committed on delivery_logs (created_at) include (status, cost_estimate) where channel = 'sms' and (status in ('sent', 'pending') or (status = 'failed' and error_code = 'OUTCOME_UNKNOWN'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_sms_committed');
}
