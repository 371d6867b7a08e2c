import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import type { DeliveryOptions } from '../domain/notifications/delivery';
import { digestRunStart, dueDigestZones, stillDigestDay, type DueZone } from '../domain/notifications/digest-schedule';
import { digestSender, type DigestTotals } from './digest';

/** The digest's own send timeout replaces `attemptTimeoutMs` (see DIGEST_SEND_TIMEOUT_MS). */
export interface LocalDigestInput extends Pick<DeliveryOptions, 'emailTaskQueue' | 'maxAttempts' | 'retryInitialMs'> {
  /** "HH:MM" on each user's own clock (DIGEST_TIME). */
  time: string;
  /** The clock of users who chose no zone (DIGEST_TIMEZONE). */
  defaultTimeZone: string;
  /** The hour this run stands for (ISO); absent: the Schedule's nominal time, else the start. */
  runAt?: string;
  /** Recipients fetched per page, and digests sent at once (the email queue's rate limit still applies). */
  pageSize?: number;
  concurrency?: number;
  /** Set only by continue-as-new: what the first run decided, where it left off, and its counts. */
  resume?: { runAt: string; windowEnd: string; zones: DueZone[]; late: string[]; afterUserId: number; totals: DigestTotals };
}

export interface LocalDigestResult extends DigestTotals {
  runAt: string;
  windowEnd: string;
  /** The zones whose digest time fell in this run's hour, each with its local date. */
  zones: DueZone[];
  /** Due zones left out because the run started after their local day had ended. */
  late: string[];
}

/** Set by the Schedule on each workflow it starts: the time it was due, however late it started. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { listDigestZones, listDueDigestRecipients } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Well under Temporal's 50k-event history limit, whatever the number of users.
const HISTORY_BUDGET = 10_000;

/**
 * The digest, run every hour by one Temporal Schedule: each digest-enabled user whose own clock
 * reaches DIGEST_TIME within the run's hour gets one email of their unread notifications of the
 * last 24 hours. The hour is the one the Schedule meant, not when the run got going, so a run
 * held up (a worker down) still serves its own zones, as long as their day has not ended. The
 * per-user, per-local-day claim in the database makes re-runs, catch-ups and overlaps send nothing
 * twice. Earlier runs of the single-zone `dailyDigestWorkflow` finish under their own type.
 */
export async function localDigestWorkflow(input: LocalDigestInput): Promise<LocalDigestResult> {
  const pageSize = input.pageSize ?? 200;
  const concurrency = input.concurrency ?? 20;
  const now = new Date().getTime(); // the workflow clock: deterministic on replay
  const nominal = input.runAt ?? workflowInfo().typedSearchAttributes.get(SCHEDULED_START)?.toISOString();
  const runAt =
    input.resume?.runAt ?? new Date(digestRunStart(nominal ? Date.parse(nominal) : workflowInfo().startTime.getTime())).toISOString();
  const windowEnd = input.resume?.windowEnd ?? new Date(now).toISOString();
  let { zones, late } = input.resume ?? { zones: undefined, late: [] as string[] };
  if (zones === undefined) {
    const { due, unknown } = dueDigestZones(Date.parse(runAt), await listDigestZones(input.defaultTimeZone), input.time);
    if (unknown.length > 0) log.warn('digest: users with a time zone no rule knows get none', { zones: unknown });
    const today = due.filter((z) => stillDigestDay(now, z.timeZone, z.day));
    late = due.filter((z) => !today.includes(z)).map((z) => z.timeZone);
    zones = today;
  }
  const dayOf = new Map(zones.map((z) => [z.timeZone, z.day]));
  const totals: DigestTotals = { ...(input.resume?.totals ?? { sent: 0, alreadySent: 0, empty: 0, failed: 0 }) };
  const send = digestSender(input, concurrency, totals);

  let after = input.resume?.afterUserId ?? 0;
  while (zones.length > 0) {
    const page = await listDueDigestRecipients({
      zones: zones.map((z) => z.timeZone),
      defaultZone: input.defaultTimeZone,
      afterUserId: after,
      limit: pageSize,
    });
    await send(page.map(({ userId, timeZone }) => ({ userId, day: dayOf.get(timeZone) as string, windowEnd })));
    if (page.length < pageSize) break;
    after = (page.at(-1) as { userId: number }).userId;
    if (workflowInfo().historyLength > HISTORY_BUDGET) {
      await continueAsNew<typeof localDigestWorkflow>({ ...input, resume: { runAt, windowEnd, zones, late, afterUserId: after, totals } });
    }
  }
  log.info('digest run done', { runAt, zones: zones.length, late: late.length, ...totals });
  return { runAt, windowEnd, zones, late, ...totals };
}
