import type { Knex } from 'knex';

const BEFORE = "category in ('repair_status', 'assignment', 'approval', 'reward', 'system')";
const AFTER = "category in ('repair_status', 'assignment', 'approval', 'reward', 'system', 'account')";

/** Account messages (password reset, address verification) are notifications of category `account`. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table notifications drop constraint notifications_category_check');
  await knex.raw(`alter table notifications add constraint notifications_category_check check (${AFTER})`);
}

export async function down(knex: Knex): Promise<void> {
  // The old rule cannot hold them; they are one-time links and codes, worthless once this is undone.
  await knex('notifications').where('category', 'account').delete();
  await knex.raw('alter table notifications drop constraint notifications_category_check');
  await knex.raw(`alter table notifications add constraint notifications_category_check check (${BEFORE})`);
}
