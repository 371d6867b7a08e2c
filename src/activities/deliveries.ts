import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DeliveryOutcome, Suppression } from '../domain/notifications/delivery';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { ActivityDeps } from './deps';
import { metric, recordFailure } from '../transports/metrics';
import { createDeliveryLogs, nextAttempt, type Candidate, type NewLog } from './delivery-logs';
import { SMS_BUDGET_REASON } from '../domain/notifications/sms-budget';
import { outcomeNotRecorded, withRetries } from './record-outcome';
import { DeliveryError, type SendResult } from '../transports/types';

/** How many sends of one batch run at once: enough to overlap provider calls, few enough to share the pool. */
const BATCH_PARALLELISM = 4;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Sending: each attempt claimed, sent and logged, never twice per notification and channel. */
export function createDeliveryActivities({ db, transport, metrics, smsBudget }: ActivityDeps) {
  const { Notification, DeliveryLog } = db.models;
  const { appendLog, finish, claimRow, budgetedSmsRows, insertLogs } = createDeliveryLogs({ db, smsBudget });

  /**
   * One attempt to send each of several notifications on a channel: at most one message ever goes
   * out per notification and channel. Each attempt is claimed (a `pending` log row) before the
   * provider is called, and only the provider's refusal ends it `failed`. Once the provider has
   * accepted, the claim becomes `sent` or stays `pending`: a claim found pending (a worker that died
   * mid-send, or a `sent` write that failed) means the outcome is unknown, and with a provider that
   * cannot deduplicate (SES, SNS) we then refuse to risk a second copy. The reads are one query for
   * the whole batch, and so are the claims (for SMS with the budget's lock and sum); each send and
   * its outcome are their own. Returns each notification's outcome, or the error its attempt ended with.
   */
  async function deliverMany(ids: number[], channel: DeliveryChannel): Promise<Map<number, DeliveryOutcome | Error>> {
    const attempt = Context.current().info.attempt; // Temporal's count, reported back to the workflow
    const out = new Map<number, DeliveryOutcome | Error>();
    const [found, allLogs] = await Promise.all([
      Notification.query().findByIds(ids).withGraphJoined('user'),
      DeliveryLog.query().whereIn('notificationId', ids).where({ channel }),
    ]);
    const byId = new Map(found.map((n) => [n.id, n]));
    const rows: NewLog[] = [];
    const candidates: Candidate[] = [];
    for (const id of ids) {
      const n = byId.get(id);
      if (!n || !n.user) {
        out.set(id, ApplicationFailure.nonRetryable(`notification ${id} does not exist`, 'NotificationMissing'));
        continue;
      }
      const logs = allLogs.filter((l) => l.notificationId === id);
      if (logs.some((l) => l.status === 'sent')) {
        out.set(id, { status: 'sent', attempt });
        continue;
      }
      // An earlier attempt's outcome is unknown: the provider may have it, so never again (an
      // admin's retry refuses these too).
      if (logs.some((l) => l.errorCode === 'OUTCOME_UNKNOWN')) {
        out.set(id, { status: 'failed', attempt, code: 'OUTCOME_UNKNOWN' });
        continue;
      }
      const orphan = logs.find((l) => l.status === 'pending');
      if (orphan) {
        const code = transport.name === 'local' ? 'WORKER_LOST' : 'OUTCOME_UNKNOWN';
        // The claim's cost estimate stays: an unknown outcome still counts against the SMS budget.
        await DeliveryLog.query()
          .patch({ status: 'failed', errorCode: code, errorMessage: 'an earlier attempt ended without recording the outcome' })
          .where('id', orphan.id);
        // The local outbox deduplicates by notification and channel, so sending again is safe there.
        if (transport.name !== 'local') {
          recordFailure(metrics, channel, code);
          out.set(id, { status: 'failed', attempt, code });
          continue;
        }
      }
      const to = channel === 'email' ? n.user.email : n.user.phone;
      if (!to) {
        rows.push({
          notificationId: id,
          channel,
          status: 'suppressed',
          attempt: nextAttempt(logs),
          recipient: null,
          errorCode: 'no_address',
        });
        out.set(id, { status: 'suppressed', attempt, code: 'no_address' });
        continue;
      }
      candidates.push({ n, to, attempt: nextAttempt(logs) });
    }

    // SMS that are all URGENT need no room, so no lock: a concurrent check that misses their claims
    // decides as if it had come first.
    const written =
      channel === 'sms' && candidates.some((c) => c.n.priority !== 'URGENT')
        ? await db.knex.transaction(async (trx) => insertLogs(trx, [...rows, ...(await budgetedSmsRows(trx, candidates))]))
        : await insertLogs(db.knex, [...rows, ...candidates.map((c) => claimRow(c, channel))]);
    const claimOf = new Map(written.filter((r) => r.status === 'pending').map((r) => [r.notificationId, r.id]));
    for (const r of written)
      if (r.status === 'suppressed' && !out.has(r.notificationId))
        out.set(r.notificationId, { status: 'suppressed', attempt, code: SMS_BUDGET_REASON });
    const claims = candidates.filter((c) => claimOf.has(c.n.id));

    await mapLimit(claims, BATCH_PARALLELISM, async ({ n, to }) => {
      const logId = claimOf.get(n.id)!;
      const started = performance.now();
      let result: SendResult;
      try {
        result =
          channel === 'email'
            ? await transport.sendEmail({
                notificationId: n.id,
                to,
                subject: n.content.emailSubject,
                html: n.content.emailHtml,
                text: n.content.emailText,
              })
            : await transport.sendSms({ notificationId: n.id, to, body: n.content.sms });
      } catch (err) {
        const e =
          err instanceof DeliveryError
            ? err
            : new DeliveryError(String((err as Error)?.message ?? err), 'UNEXPECTED', false, { cause: err });
        recordFailure(metrics, channel, e.code);
        // The scrubbed message and code go to the workflow history; the provider's raw error (which
        // can echo request details) stays in the delivery log's process, not in Temporal.
        const failure = { message: e.message, type: e.code };
        try {
          // Not sent, so it costs nothing against the SMS budget.
          await withRetries(() =>
            finish(logId, n, channel, { status: 'failed', errorCode: e.code, errorMessage: e.message.slice(0, 1000), costEstimate: null }),
          );
        } catch (writeErr) {
          // Left pending, the claim is an unknown outcome for the next attempt: safe, if pessimistic.
          out.set(n.id, outcomeNotRecorded(`the provider refused the ${channel}`, writeErr));
          return;
        }
        out.set(n.id, e.permanent ? ApplicationFailure.create({ ...failure, nonRetryable: true }) : ApplicationFailure.create(failure));
        return;
      }
      if (channel === 'sms' && result.costEstimateUsd !== null) metrics.record(metric.smsCost(result.costEstimateUsd));
      try {
        await withRetries(() =>
          finish(logId, n, channel, { status: 'sent', providerMessageId: result.providerMessageId, costEstimate: result.costEstimateUsd }),
        );
      } catch (err) {
        // The message is out: `failed` here would invite a second copy. The claim stays pending,
        // so the next attempt records OUTCOME_UNKNOWN (SES/SNS) or re-sends into the outbox (local).
        out.set(n.id, outcomeNotRecorded(`the provider accepted the ${channel}`, err));
        return;
      }
      metrics.record(metric.success(channel));
      metrics.record(metric.duration(channel, performance.now() - started));
      out.set(n.id, { status: 'sent', attempt });
    });
    return out;
  }

  async function deliver(notificationId: number, channel: DeliveryChannel): Promise<DeliveryOutcome> {
    const result = (await deliverMany([notificationId], channel)).get(notificationId)!;
    if (result instanceof Error) throw result;
    return result;
  }

  return {
    /** Deliveries the rules skipped (disabled channel, category off, no address): each logged as suppressed. */
    async recordSuppressed(items: Suppression[]): Promise<void> {
      for (const { notificationId, channel, reason } of items) {
        // Idempotent: a retried activity finds its own row (the newest) and writes nothing.
        const newest = await DeliveryLog.query().where({ notificationId, channel }).orderBy('attempt', 'desc').first();
        if (newest?.status === 'suppressed' && newest.errorCode === reason) continue;
        await appendLog({ notificationId, channel, status: 'suppressed', errorCode: reason }, newest ? [newest] : []);
      }
    },

    /**
     * The SMS of one dispatch in one activity task rather than one each (SNS has no send-rate
     * quota to respect, unlike SES). Each still goes through its own claim, log and outcome. A
     * transient failure retries the batch, where those already sent answer from their logs; on
     * the last attempt (`maxAttempts`, the activity's retry policy) the failures are returned.
     */
    async sendSmsBatch(notificationIds: number[], maxAttempts: number): Promise<Record<number, DeliveryOutcome>> {
      const { attempt } = Context.current().info;
      const delivered = await deliverMany(notificationIds, 'sms');
      const outcomes: Record<number, DeliveryOutcome> = {};
      const transient: Error[] = [];
      for (const id of notificationIds) {
        const r = delivered.get(id)!;
        if (r instanceof Error) {
          if (!(r instanceof ApplicationFailure && r.nonRetryable)) transient.push(r);
          outcomes[id] = { status: 'failed', attempt, code: r instanceof ApplicationFailure ? (r.type ?? 'UNEXPECTED') : 'UNEXPECTED' };
        } else {
          outcomes[id] = r;
        }
      }
      if (transient.length > 0 && attempt < maxAttempts) {
        const first = transient[0]!;
        throw ApplicationFailure.create({
          message: `${transient.length} of ${notificationIds.length} SMS failed for now: ${first.message}`,
          type: first instanceof ApplicationFailure ? (first.type ?? 'UNEXPECTED') : 'UNEXPECTED',
          cause: first,
        });
      }
      return outcomes;
    },

    sendEmail: (notificationId: number) => deliver(notificationId, 'email'),
  };
}
