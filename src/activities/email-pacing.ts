import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { reserveSendSlots } from '../db/queries/send-rate';
import { slotInterval, slotOffsets, type Reservation } from '../domain/notifications/send-pacing';
import type { ActivityDeps } from './deps';

/** Time kept after the last slot for its send and outcome, out of the attempt's timeout. */
const SEND_ROOM_MS = 10_000;
/** The longest sleep between heartbeats while waiting for a slot. */
const HEARTBEAT_EVERY_MS = 5_000;

export interface EmailSlots {
  /** The slots reserved, in order, as moments of this process's clock (`performance.now()`). */
  at: number[];
  /** The time between two slots. */
  intervalMs: number;
  /** Sleeps until `at` (heartbeating, so a dead worker's wait is noticed), or returns at once. */
  waitUntil(at: number): Promise<void>;
}

/**
 * Email slots from the shared SES schedule (`send_rate_limits`), for the activity running now:
 * only slots the attempt can still use before its start-to-close timeout are taken.
 */
export function createEmailPacing({ db, emailPacing }: Pick<ActivityDeps, 'db' | 'emailPacing'>) {
  const intervalMs = slotInterval(emailPacing.perSecond);

  async function waitUntil(at: number): Promise<void> {
    for (;;) {
      const left = at - performance.now();
      if (left <= 0) return;
      const ctx = Context.current();
      ctx.heartbeat();
      await ctx.sleep(Math.min(left, HEARTBEAT_EVERY_MS));
    }
  }

  return {
    async reserve(wanted: number, attemptStartedAt: number): Promise<EmailSlots> {
      if (wanted === 0) return { at: [], intervalMs, waitUntil };
      const { startToCloseTimeoutMs } = Context.current().info;
      const usable = startToCloseTimeoutMs - Math.min(SEND_ROOM_MS, startToCloseTimeoutMs / 3);
      const horizonMs = Math.max(0, usable - (performance.now() - attemptStartedAt));
      const reservation: Reservation = await reserveSendSlots(db.knex, 'ses', wanted, intervalMs, horizonMs);
      const base = performance.now();
      return { at: slotOffsets(reservation).map((o) => base + o), intervalMs, waitUntil };
    },
  };
}

/** The failure of sends that found no slot in time: retried later, when the schedule has room. */
export const noSlotYet = (count: number, perSecond: number) =>
  ApplicationFailure.create({
    message: `${count} email(s) found no SES slot within this attempt (the shared schedule is ahead by more than its timeout at ${perSecond}/s)`,
    type: 'SendRateBacklog',
  });
