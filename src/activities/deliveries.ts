import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DeliveryOutcome, Suppression } from '../domain/notifications/delivery';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { ActivityDeps } from './deps';
import { recordFailure } from '../transports/metrics';
import { claimGroups } from '../domain/notifications/send-pacing';
import { createDeliveryLogs, nextAttempt, type Candidate, type NewLog } from './delivery-logs';
import { SMS_BUDGET_REASON } from '../domain/notifications/sms-budget';
import { createEmailPacing, noSlotYet } from './email-pacing';
import { createSender } from './send-one';

/** How many sends of one batch run at once: enough to overlap provider calls, few enough to share the pool. */
const BATCH_PARALLELISM = 4;
/** Emails whose slots fall this close together are claimed in one statement. */
const CLAIM_WINDOW_MS = 50;
/** How often a late group takes fresh slots before it goes anyway (late, but never twice). */
const MAX_RESLOTS = 3;

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
export function createDeliveryActivities({ db, transport, metrics, smsBudget, emailPacing }: ActivityDeps) {
  const { Notification, DeliveryLog } = db.models;
  const { appendLog, finish, claimRow, budgetedSmsRows, insertLogs } = createDeliveryLogs({ db, smsBudget });
  const sendOne = createSender(transport, metrics, finish, () => Context.current().info.attempt);
  const pacing = createEmailPacing({ db, emailPacing });

  /**
   * Emails at the shared SES pace: slots for all of them in one reservation, then each claimed
   * only just before its slot (with the others due within `CLAIM_WINDOW_MS`) and sent at it. Those
   * that found no slot this attempt can still use end as retryable failures.
   */
  async function paceEmails(
    candidates: Candidate[],
    attemptStartedAt: number,
    send: (c: Candidate, logId: number) => Promise<void>,
    out: Map<number, DeliveryOutcome | Error>,
  ): Promise<void> {
    const slots = await pacing.reserve(candidates.length, attemptStartedAt);
    const paced = candidates.slice(0, slots.at.length);
    for (const c of candidates.slice(slots.at.length)) out.set(c.n.id, noSlotYet(candidates.length - paced.length, emailPacing.perSecond));
    const groups = claimGroups(slots.at, CLAIM_WINDOW_MS);
    const groupOf = new Map(groups.flatMap((g, gi) => g.map((i) => [i, gi] as const)));
    const claimed = new Map<number, Promise<Map<number, number>>>();
    const claimGroup = (gi: number) => {
      let claim = claimed.get(gi);
      if (!claim) {
        const members = groups[gi]!;
        claim = (async () => {
          let due = members;
          await slots.waitUntil(slots.at[due[0]!]!);
          // Woken late (a busy event loop, a slow reply), a send would crowd the slots after its
          // own: it takes fresh ones instead, and those that find none this attempt are retried.
          for (let tries = 0; tries < MAX_RESLOTS && performance.now() - slots.at[due[0]!]! > slots.intervalMs; tries++) {
            const fresh = await pacing.reserve(due.length, attemptStartedAt);
            for (const i of due.slice(fresh.at.length))
              out.set(paced[i]!.n.id, noSlotYet(due.length - fresh.at.length, emailPacing.perSecond));
            due = due.slice(0, fresh.at.length);
            if (due.length === 0) return new Map<number, number>();
            due.forEach((i, k) => (slots.at[i] = fresh.at[k]!));
            await slots.waitUntil(slots.at[due[0]!]!);
          }
          const written = await insertLogs(
            db.knex,
            due.map((i) => claimRow(paced[i]!, 'email')),
          );
          return new Map(written.map((r) => [r.notificationId, r.id]));
        })();
        claimed.set(gi, claim);
      }
      return claim;
    };
    const order = paced.map((_, i) => i);
    await mapLimit(order, BATCH_PARALLELISM, async (i) => {
      const c = paced[i]!;
      const logId = (await claimGroup(groupOf.get(i)!)).get(c.n.id);
      if (logId === undefined) return; // no slot left this attempt (its outcome is set)
      await slots.waitUntil(slots.at[i]!);
      await send(c, logId);
    });
  }

  /**
   * One attempt to send each of several notifications on a channel: at most one message ever goes
   * out per notification and channel. Each attempt is claimed (a `pending` log row) before the
   * provider is called, and only the provider's refusal ends it `failed`. Once the provider has
   * accepted, the claim becomes `sent` or stays `pending`: a claim found pending (a worker that died
   * mid-send, or a `sent` write that failed) means the outcome is unknown, and with a provider that
   * cannot deduplicate (SES, SNS) we then refuse to risk a second copy. The reads are one query for
   * the whole batch, and so are SMS claims (with the budget's lock and sum); emails are claimed at
   * their SES slots (`paceEmails`); each send and its outcome are their own. Returns each
   * notification's outcome, or the error its attempt ended with.
   */
  async function deliverMany(ids: number[], channel: DeliveryChannel): Promise<Map<number, DeliveryOutcome | Error>> {
    const attemptStartedAt = performance.now();
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

    if (channel === 'email') {
      await insertLogs(db.knex, rows);
      await paceEmails(candidates, attemptStartedAt, (c, logId) => sendOne(c, channel, logId, out), out);
      return out;
    }
    // SMS that are all URGENT need no room, so no lock: a concurrent check that misses their claims
    // decides as if it had come first.
    const written = candidates.some((c) => c.n.priority !== 'URGENT')
      ? await db.knex.transaction(async (trx) => insertLogs(trx, [...rows, ...(await budgetedSmsRows(trx, candidates))]))
      : await insertLogs(db.knex, [...rows, ...candidates.map((c) => claimRow(c, channel))]);
    const claimOf = new Map(written.filter((r) => r.status === 'pending').map((r) => [r.notificationId, r.id]));
    for (const r of written)
      if (r.status === 'suppressed' && !out.has(r.notificationId))
        out.set(r.notificationId, { status: 'suppressed', attempt, code: SMS_BUDGET_REASON });
    const claims = candidates.filter((c) => claimOf.has(c.n.id));
    await mapLimit(claims, BATCH_PARALLELISM, (c) => sendOne(c, channel, claimOf.get(c.n.id)!, out));
    return out;
  }

  async function sendBatch(notificationIds: number[], channel: DeliveryChannel, maxAttempts: number) {
    const { attempt } = Context.current().info;
    const delivered = await deliverMany(notificationIds, channel);
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
        message: `${transient.length} of ${notificationIds.length} ${channel === 'sms' ? 'SMS' : 'emails'} failed for now: ${first.message}`,
        type: first instanceof ApplicationFailure ? (first.type ?? 'UNEXPECTED') : 'UNEXPECTED',
        cause: first,
      });
    }
    return outcomes;
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
     * The SMS of one dispatch in one activity task rather than one each. Each still goes through
     * its own claim, log and outcome. A transient failure retries the batch, where those already
     * sent answer from their logs; on the last attempt (`maxAttempts`, the activity's retry policy)
     * the failures are returned.
     */
    sendSmsBatch: (notificationIds: number[], maxAttempts: number) => sendBatch(notificationIds, 'sms', maxAttempts),

    /**
     * The emails of one dispatch in one activity task, each at its slot of the SES schedule shared
     * by every worker (`send_rate_limits`), so the quota holds per second whatever the batches.
     * Waiting for slots heartbeats; retries as for SMS.
     */
    sendEmailBatch: (notificationIds: number[], maxAttempts: number) => sendBatch(notificationIds, 'email', maxAttempts),

    sendEmail: (notificationId: number) => deliver(notificationId, 'email'),
  };
}
