import { ActivityFailure, continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import type { DeliveryOptions } from '../domain/notifications/delivery';
import { DIGEST_SEND_TIMEOUT_MS, digestDay, type DigestRequest } from '../domain/notifications/digest';

/** The digest's own send timeout replaces `attemptTimeoutMs` (see DIGEST_SEND_TIMEOUT_MS). */
export interface DailyDigestInput extends Pick<DeliveryOptions, 'emailTaskQueue' | 'maxAttempts' | 'retryInitialMs'> {
  /** The schedule's zone: the day a run belongs to, and so the once-per-day key. */
  timeZone: string;
  /** Recipients fetched per page, and digests sent at once (the email queue's rate limit still applies). */
  pageSize?: number;
  concurrency?: number;
  /** Set only by continue-as-new: where a long run left off, and its counts so far. */
  resume?: { day: string; windowEnd: string; afterUserId: number; totals: DigestTotals };
}

export interface DigestTotals {
  sent: number;
  alreadySent: number;
  empty: number;
  failed: number;
}

export interface DailyDigestResult extends DigestTotals {
  day: string;
  windowEnd: string;
}

const { listDigestRecipients } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Well under Temporal's 50k-event history limit, whatever the number of users.
const HISTORY_BUDGET = 10_000;

/**
 * Sends one page of digests, `concurrency` at a time, counting each outcome into `totals`. Shared
 * by the hourly and the old daily run, so both issue the same commands in the same order.
 */
export function digestSender(
  input: Pick<DeliveryOptions, 'emailTaskQueue' | 'maxAttempts' | 'retryInitialMs'>,
  concurrency: number,
  totals: DigestTotals,
): (requests: DigestRequest[]) => Promise<void> {
  const { sendDigest } = proxyActivities<RepairActivities>({
    taskQueue: input.emailTaskQueue,
    startToCloseTimeout: DIGEST_SEND_TIMEOUT_MS,
    retry: { maximumAttempts: input.maxAttempts, initialInterval: input.retryInitialMs, backoffCoefficient: 2 },
  });
  return async (requests) => {
    for (let i = 0; i < requests.length; i += concurrency) {
      await Promise.all(
        requests.slice(i, i + concurrency).map(async (request) => {
          try {
            const outcome = await sendDigest(request);
            if (outcome.status === 'sent') totals.sent++;
            else if (outcome.status === 'already_sent' || outcome.status === 'in_progress') totals.alreadySent++;
            else if (outcome.status === 'empty') totals.empty++;
            else totals.failed++;
          } catch (err) {
            // One user's failure (already in the digest row) must not cost everyone else their digest.
            if (!(err instanceof ActivityFailure)) throw err;
            totals.failed++;
          }
        }),
      );
    }
  };
}

/**
 * The daily digest (started by a Temporal Schedule at 09:00): one email per digest-enabled user
 * with their unread notifications of the last 24 hours. The day and window are fixed by the first
 * run, so a retried or re-triggered run addresses the same day, and each user's digest is claimed
 * per day in the database: nobody gets two digests on one day.
 */
export async function dailyDigestWorkflow(input: DailyDigestInput): Promise<DailyDigestResult> {
  const pageSize = input.pageSize ?? 200;
  const concurrency = input.concurrency ?? 20;
  const now = new Date(); // the workflow clock: deterministic on replay
  const day = input.resume?.day ?? digestDay(now, input.timeZone);
  const windowEnd = input.resume?.windowEnd ?? now.toISOString();
  const totals: DigestTotals = { ...(input.resume?.totals ?? { sent: 0, alreadySent: 0, empty: 0, failed: 0 }) };
  const send = digestSender(input, concurrency, totals);

  let after = input.resume?.afterUserId ?? 0;
  for (;;) {
    const ids = await listDigestRecipients(after, pageSize);
    await send(ids.map((userId) => ({ userId, day, windowEnd })));
    if (ids.length < pageSize) break;
    after = ids.at(-1) as number;
    if (workflowInfo().historyLength > HISTORY_BUDGET) {
      await continueAsNew<typeof dailyDigestWorkflow>({ ...input, resume: { day, windowEnd, afterUserId: after, totals } });
    }
  }
  log.info('daily digest done', { day, ...totals });
  return { day, windowEnd, ...totals };
}
