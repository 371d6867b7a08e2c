import type { Knex } from 'knex';

/** The channel every API process LISTENs on; the payload is the new row's id. */
export const LIVE_EVENTS_CHANNEL = 'rs_events';

export type LiveEventType = 'notification' | 'notification_read' | 'repair';

export interface LiveEventDraft {
  type: LiveEventType;
  /** For events of one user (their notifications); repair events leave it null. */
  userId?: number | null;
  repairId?: number | null;
  customerId?: number | null;
  technicianId?: number | null;
  /** A technician who lost the repair still hears of it once. */
  previousTechnicianId?: number | null;
  status?: string | null;
  payload: Record<string, unknown>;
}

export interface LiveEventRow {
  id: number;
  type: LiveEventType;
  userId: number | null;
  repairId: number | null;
  customerId: number | null;
  technicianId: number | null;
  previousTechnicianId: number | null;
  status: string | null;
  payload: Record<string, unknown>;
}

/** Held from an announce to its transaction's end, so that events commit in the order of their ids. */
export const LIVE_EVENTS_LOCK = 0x7273_6576; // 'rsev'

/**
 * Stores events and announces them, in the caller's transaction: PostgreSQL delivers a NOTIFY
 * only on commit, so a rolled-back change is neither stored nor announced.
 *
 * Resuming from `Last-Event-ID` reads `id > last`, which is gap-free only if no event can commit
 * after one with a higher id. Sequence values are handed out before commit, so without more, two
 * transactions could commit in the other order and a client that saw the later id would never see
 * the earlier one. The lock makes id order and commit order the same. Call it as the transaction's
 * last statement: the holder then only commits, so a waiter never waits on anything it holds.
 */
export async function announce(trx: Knex.Transaction, drafts: LiveEventDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  await trx.raw('select pg_advisory_xact_lock(?)', [LIVE_EVENTS_LOCK]);
  const rows = drafts.map((d) => ({
    type: d.type,
    userId: d.userId ?? null,
    repairId: d.repairId ?? null,
    customerId: d.customerId ?? null,
    technicianId: d.technicianId ?? null,
    previousTechnicianId: d.previousTechnicianId ?? null,
    status: d.status ?? null,
    payload: JSON.stringify(d.payload),
  }));
  const ids = await trx('live_events').insert(rows).returning<{ id: number }[]>('id');
  await trx.raw(`select pg_notify(?, id::text) from unnest(?::bigint[]) as id`, [LIVE_EVENTS_CHANNEL, ids.map((r) => r.id)]);
}

export const LIVE_EVENT_COLUMNS = [
  'id',
  'type',
  'userId',
  'repairId',
  'customerId',
  'technicianId',
  'previousTechnicianId',
  'status',
  'payload',
] as const;

/** A `repair` event for something added to a repair (a photo, a comment): the same people may see it. */
export const repairActivity = (
  r: { id: number; customerId: number; technicianId: number | null; status: string },
  payload: Record<string, unknown>,
): LiveEventDraft => ({
  type: 'repair',
  repairId: r.id,
  customerId: r.customerId,
  technicianId: r.technicianId,
  status: r.status,
  payload: { repairId: r.id, status: r.status, technicianId: r.technicianId, ...payload },
});
