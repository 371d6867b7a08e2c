import type { Knex } from 'knex';

/**
 * Reward options are retired (is_active = false), never deleted: redemptions and the points ledger
 * refer to them. The foreign key already refuses deleting a redeemed option; this refuses the rest,
 * so no code path or hand-written SQL can remove one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function reward_options_refuse_delete() returns trigger language plpgsql as $$
    begin
      raise exception 'reward option % cannot be deleted; retire it (is_active = false)', old.id
        using errcode = 'restrict_violation';
    end
    $$`);
  await knex.raw(`
    create trigger reward_options_never_deleted before delete on reward_options
    for each row execute function reward_options_refuse_delete()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger reward_options_never_deleted on reward_options');
  await knex.raw('drop function reward_options_refuse_delete()');
}
