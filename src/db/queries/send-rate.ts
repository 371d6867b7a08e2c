import type { Knex } from 'knex';
import type { Reservation } from '../../domain/notifications/send-pacing';

/** The providers paced through `send_rate_limits`. */
export type PacedProvider = 'ses';

/**
 * Reserves up to `wanted` consecutive send slots, `intervalMs` apart, of `provider`'s shared
 * schedule, taking only those that start within `horizonMs` (the rule of `slotsWithin`). One call
 * of `reserve_send_slots` (see its migration): the row lock orders concurrent reservations, in
 * any number of workers, and times are the database's clock, read once the row is held, so
 * workers' clocks need not agree. `firstInMs` counts from that moment.
 */
export async function reserveSendSlots(
  knex: Knex,
  provider: PacedProvider,
  wanted: number,
  intervalMs: number,
  horizonMs: number,
): Promise<Reservation & { firstAt: number; reservedAt: number }> {
  const { rows } = await knex.raw<{ rows: Array<{ first_in_ms: string; reserved: number; first_at: string; served_at: string }> }>(
    `select extract(epoch from (first_at - served_at)) * 1000 as first_in_ms, reserved,
            extract(epoch from first_at) * 1000 as first_at, extract(epoch from served_at) * 1000 as served_at
     from reserve_send_slots(?, ?, ?, ?)`,
    [provider, wanted, intervalMs, horizonMs],
  );
  const row = rows[0]!;
  return {
    firstInMs: Number(row.first_in_ms),
    intervalMs,
    count: Number(row.reserved),
    // Epoch ms by the database's clock, for checks and logs.
    firstAt: Number(row.first_at),
    reservedAt: Number(row.served_at),
  };
}
