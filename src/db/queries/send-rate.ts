import type { Knex } from 'knex';
import type { Reservation } from '../../domain/notifications/send-pacing';

/** The providers paced through `send_rate_limits`. */
export type PacedProvider = 'ses';

/**
 * Reserves up to `wanted` consecutive send slots, `intervalMs` apart, of `provider`'s shared
 * schedule, taking only those that start within `horizonMs` (the rule of `slotsWithin`). One
 * statement: the row lock orders concurrent reservations, in any number of workers, and times are
 * the database's clock, so workers' clocks need not agree. `firstInMs` counts from the statement.
 */
export async function reserveSendSlots(
  knex: Knex,
  provider: PacedProvider,
  wanted: number,
  intervalMs: number,
  horizonMs: number,
): Promise<Reservation & { firstAt: number; reservedAt: number }> {
  const reserve = () =>
    knex
      .raw<{ rows: Array<{ first_in_ms: string; count: number; first_at: string; reserved_at: string }> }>(
        `with now as (select clock_timestamp() as t),
         cur as (
           select l.name, greatest(l.next_at, now.t) as start, now.t as t
           from send_rate_limits l, now where l.name = ? for update of l
         ),
         take as (
           select name, start, t,
             least(?::int, greatest(0, floor((?::float8 - extract(epoch from (start - t))::float8 * 1000) / ?::float8)::int + 1)) as n
           from cur
         )
         update send_rate_limits l set next_at = take.start + (take.n * ?::float8) * interval '1 millisecond'
         from take where l.name = take.name
         returning extract(epoch from (take.start - take.t)) * 1000 as first_in_ms, take.n as count,
           extract(epoch from take.start) * 1000 as first_at, extract(epoch from take.t) * 1000 as reserved_at`,
        [provider, wanted, horizonMs, intervalMs, intervalMs],
      )
      .then((r) => r.rows[0]);
  let row = await reserve();
  if (!row) {
    // No schedule yet (a database emptied by hand): it starts free.
    await knex('send_rate_limits').insert({ name: provider }).onConflict('name').ignore();
    row = await reserve();
  }
  if (!row) throw new Error(`send_rate_limits has no row for ${provider}`);
  return {
    firstInMs: Number(row.first_in_ms),
    intervalMs,
    count: Number(row.count),
    // Epoch ms by the database's clock, for checks and logs.
    firstAt: Number(row.first_at),
    reservedAt: Number(row.reserved_at),
  };
}
