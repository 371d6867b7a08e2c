import type { Knex } from 'knex';
import type { EventDraft } from '../../domain/events';

/**
 * Records events for the notification system, in the caller's transaction. An event whose key is
 * already there is skipped, so a retried move or a second member of a batch writes nothing new.
 */
export async function insertEvents(trx: Knex.Transaction | Knex, events: EventDraft[]): Promise<void> {
  if (events.length === 0) return;
  await trx('notification_events')
    .insert(events.map((e) => ({ dedupe_key: e.dedupeKey, type: e.type, repair_id: e.repairId, payload: e.payload })))
    .onConflict('dedupe_key')
    .ignore();
}
