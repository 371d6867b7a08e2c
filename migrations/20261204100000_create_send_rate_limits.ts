import type { Knex } from 'knex';

/**
 * The shared send schedule of a rate-limited provider (src/db/queries/send-rate.ts): the earliest
 * moment the next send may start, one row per provider, so every worker paces against the same
 * clock. `reserve_send_slots` takes consecutive slots in one call: it reads the time only once it
 * holds the row, so a reservation that waited for the lock is not handed a slot in the past, and
 * its wait is measured from the moment it was served (a caller sending late by its lock wait
 * would crowd the next one's slot).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('send_rate_limits', (t) => {
    t.text('name').primary();
    t.specificType('next_at', 'timestamptz').notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    create function reserve_send_slots(provider text, wanted int, interval_ms float8, horizon_ms float8,
                                       out first_at timestamptz, out reserved int, out served_at timestamptz)
    language plpgsql as $$
    declare
      next timestamptz;
    begin
      insert into send_rate_limits (name) values (provider) on conflict (name) do nothing;
      select l.next_at into next from send_rate_limits l where l.name = provider for update;
      served_at := clock_timestamp();
      first_at := greatest(next, served_at);
      -- The slots that start within the horizon (the rule of slotsWithin in send-pacing.ts).
      reserved := least(wanted, greatest(0, floor((horizon_ms - extract(epoch from (first_at - served_at)) * 1000) / interval_ms)::int + 1));
      update send_rate_limits set next_at = first_at + (reserved * interval_ms) * interval '1 millisecond' where name = provider;
    end $$
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function reserve_send_slots(text, int, float8, float8)');
  await knex.schema.dropTable('send_rate_limits');
}
