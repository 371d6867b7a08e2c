import { ConflictError } from '../domain/errors';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { UseCaseDeps } from './deps';
import { retryDelivery } from './retry-delivery';

export interface RedriveFilter {
  /** Only failures logged at or after this instant. */
  since: Date;
  channel?: DeliveryChannel;
  errorCode?: string;
  limit: number;
  dryRun: boolean;
}

export interface RedriveReport {
  candidates: number;
  started: { logId: number; workflowId: string }[];
  skipped: { logId: number; reason: string }[];
}

/**
 * Re-drives failed deliveries in bulk, each through the admin retry (same rules: never a channel
 * already sent, in flight or of unknown outcome; one retry per failed log, so running it twice
 * starts nothing new). Candidates are the newest failed attempt of each notification and channel.
 */
export async function redriveFailed(deps: UseCaseDeps, filter: RedriveFilter): Promise<RedriveReport> {
  const knex = deps.db.knex;
  const newest = knex('delivery_logs')
    .distinctOn('notification_id', 'channel')
    .select('id', 'status', 'error_code', 'created_at', 'channel')
    .orderBy([{ column: 'notification_id' }, { column: 'channel' }, { column: 'attempt', order: 'desc' }])
    .as('newest');
  const q = knex
    .from(newest)
    .where('newest.status', 'failed')
    .whereNot('newest.error_code', 'OUTCOME_UNKNOWN')
    .where('newest.created_at', '>=', filter.since)
    .orderBy('newest.id')
    .limit(filter.limit)
    .select<{ id: number }[]>('newest.id');
  if (filter.channel) q.where('newest.channel', filter.channel);
  if (filter.errorCode) q.where('newest.error_code', filter.errorCode);
  const rows = await q;

  const report: RedriveReport = { candidates: rows.length, started: [], skipped: [] };
  if (filter.dryRun) return report;
  for (const { id } of rows) {
    try {
      report.started.push({ logId: id, ...(await retryDelivery(deps, id)) });
    } catch (err) {
      // A refusal (already retried, already sent, outcome unknown) is expected and reported; anything else stops the run.
      if (!(err instanceof ConflictError)) throw err;
      report.skipped.push({ logId: id, reason: err.message });
    }
  }
  return report;
}
