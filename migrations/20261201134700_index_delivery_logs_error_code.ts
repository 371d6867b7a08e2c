import type { Knex } from 'knex';

/** The delivery-log search by error code; most rows (sent) have none, so they stay out of the index. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index delivery_logs_error_code on delivery_logs (error_code, id) where error_code is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index delivery_logs_error_code');
}
