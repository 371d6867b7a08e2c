import type { Knex } from 'knex';

/** The delivery-log search by address: email addresses compare in any case, so the index is on lower(). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index delivery_logs_recipient_lower on delivery_logs (lower(recipient), id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_recipient_lower');
}
