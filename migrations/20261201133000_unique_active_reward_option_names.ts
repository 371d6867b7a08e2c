import type { Knex } from 'knex';

/** Customers choose a reward by its name: no two active options share one (in any case). Retired ones may. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create unique index reward_options_active_name_unique on reward_options (lower(name)) where is_active');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index reward_options_active_name_unique');
}
