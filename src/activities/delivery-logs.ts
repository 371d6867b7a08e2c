import type { Knex } from 'knex';
import { keys } from '../domain/keys';
import { budgetMonthStart, SMS_BUDGET_REASON, smsWithinBudget } from '../domain/notifications/sms-budget';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { DeliveryLog, Notification } from '../db/models';
import type { ActivityDeps } from './deps';

/** The number of the next attempt after the log rows already read for a notification and channel. */
export const nextAttempt = (logs: Pick<DeliveryLog, 'attempt'>[]) => Math.max(0, ...logs.map((l) => l.attempt)) + 1;

/** A delivery log row about to be written: a claim, or a decision not to send. */
export type NewLog = {
  notificationId: number;
  channel: DeliveryChannel;
  status: 'pending' | 'suppressed';
  attempt: number;
  recipient: string | null;
  errorCode?: string;
  errorMessage?: string;
  costEstimate?: number;
};
export type Candidate = { n: Notification; to: string; attempt: number };

/** The delivery log's writes: attempts, claims (with the SMS budget's guard) and outcomes. */
export function createDeliveryLogs({ db, smsBudget }: Pick<ActivityDeps, 'db' | 'smsBudget'>) {
  const { DeliveryLog } = db.models;

  /**
   * Writes the next log row for a notification and channel, numbered after the rows already read
   * (`known`). Attempts are numbered from the log itself, not from Temporal's counter, so an admin's
   * retry (a new workflow) continues the count; two writers racing for the same number collide on
   * the unique key and one retries.
   */
  function appendLog(
    row: {
      notificationId: number;
      channel: DeliveryChannel;
      status: DeliveryLog['status'];
      recipient?: string | null;
      errorCode?: string;
      errorMessage?: string;
    },
    known: DeliveryLog[],
  ) {
    return DeliveryLog.query().insert({ ...row, attempt: nextAttempt(known) });
  }

  /**
   * Outcome of one attempt, on the attempt's log row and, when sent, the notification's flag: one
   * statement, so both or neither are written without a transaction's extra round trips.
   */
  async function finish(
    logId: number,
    n: Notification,
    channel: DeliveryChannel,
    patch: Partial<Pick<DeliveryLog, 'status' | 'providerMessageId' | 'costEstimate' | 'errorCode' | 'errorMessage'>>,
  ): Promise<void> {
    const logUpdate = db
      .knex('delivery_logs')
      .update({ ...patch, updatedAt: new Date() })
      .where('id', logId)
      .returning('id');
    if (patch.status !== 'sent') {
      await logUpdate;
      return;
    }
    await db.knex
      .with('log', logUpdate)
      .table('notifications')
      .update(channel === 'email' ? { emailSent: true } : { smsSent: true })
      .where('id', n.id)
      .whereExists(db.knex.select(1).from('log'));
  }

  /**
   * What this calendar month's SMS may have cost: sent ones by their estimate, and claimed ones (in
   * flight, or of unknown outcome: the provider may have taken them) by the estimate they were
   * claimed with. The same predicate as the `delivery_logs_sms_committed` index.
   */
  async function smsCommittedThisMonth(q: Knex, monthStart: Date): Promise<number> {
    const row = await q('delivery_logs')
      .where('channel', 'sms')
      .whereRaw("(status in ('sent', 'pending') or (status = 'failed' and error_code = 'OUTCOME_UNKNOWN'))")
      .where('created_at', '>=', monthStart)
      .select(
        q.raw("sum(case when status = 'sent' then cost_estimate else coalesce(cost_estimate, ?) end) as spent", [
          smsBudget.costEstimateUsd,
        ]),
      )
      .first<{ spent: string | null } | undefined>();
    return Number(row?.spent ?? 0);
  }

  /** A claim: an SMS carries its estimate, so it counts against the budget from the moment it exists. */
  const claimRow = ({ n, to, attempt }: Candidate, channel: DeliveryChannel): NewLog => ({
    notificationId: n.id,
    channel,
    status: 'pending',
    attempt,
    recipient: to,
    ...(channel === 'sms' ? { costEstimate: smsBudget.costEstimateUsd } : {}),
  });

  /**
   * The SMS guard's decisions, taken under the month's lock on the spend already committed (sent and
   * claimed). The caller writes them in the same transaction, so the lock is held until they exist
   * and concurrent batches cannot each spend the same room.
   */
  async function budgetedSmsRows(trx: Knex.Transaction, candidates: Candidate[]): Promise<NewLog[]> {
    const monthStart = budgetMonthStart(new Date());
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [keys.locks.smsBudget(monthStart)]);
    let spentUsd = await smsCommittedThisMonth(trx, monthStart);
    return candidates.map((c) => {
      if (smsWithinBudget({ priority: c.n.priority, spentUsd, costUsd: smsBudget.costEstimateUsd, budgetUsd: smsBudget.monthlyUsd })) {
        spentUsd += smsBudget.costEstimateUsd;
        return claimRow(c, 'sms');
      }
      const errorMessage = `monthly SMS budget of $${smsBudget.monthlyUsd.toFixed(2)} reached ($${spentUsd.toFixed(5)} spent this month)`;
      return {
        notificationId: c.n.id,
        channel: 'sms',
        status: 'suppressed',
        attempt: c.attempt,
        recipient: c.to,
        errorCode: SMS_BUDGET_REASON,
        errorMessage,
      };
    });
  }

  // Two writers racing for the same attempt number collide on the unique key; the activity retries.
  const insertLogs = (q: Knex, rows: NewLog[]): Promise<Array<{ id: number; notificationId: number; status: NewLog['status'] }>> =>
    rows.length === 0 ? Promise.resolve([]) : q('delivery_logs').insert(rows).returning(['id', 'notificationId', 'status']);

  return { appendLog, finish, claimRow, budgetedSmsRows, insertLogs };
}
