import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { EVENT_RULES, type EventType } from '../domain/events';
import { channelsFor } from '../domain/notifications/channels';
import type { RecipientAddress } from '../domain/notifications/decide';
import { renderTemplate } from '../domain/notifications/templates';
import { budgetMonthStart, SMS_BUDGET_REASON, smsWithinBudget } from '../domain/notifications/sms-budget';
import type { Category, DeliveryChannel, NotificationPreferences, Priority } from '../domain/notifications/types';
import type { DeliveryLog, Notification, NotificationEvent } from '../db/models';
import { loadPreferencesOf } from '../db/queries/preferences';
import { activeTemplate, brandSettings } from '../db/queries/templates';
import type { ActivityDeps } from './index';
import { metric, recordFailure } from './transports/metrics';
import { DeliveryError } from './transports/types';

export interface DeliveryPlan {
  notificationId: number;
  channels: DeliveryChannel[];
  /** Loaded with the plan when it is made, so deciding needs no further read. */
  context?: DeliveryContext;
}

export interface DeliveryContext {
  priority: Priority;
  category: Category;
  preferences: NotificationPreferences;
  address: RecipientAddress;
}

export interface DeliveryOutcome {
  status: 'sent' | 'failed' | 'suppressed';
  attempt: number;
  code?: string;
}

export interface Suppression {
  notificationId: number;
  channel: DeliveryChannel;
  reason: string;
}

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

interface Recipient {
  id: number;
  username: string;
}

const money = (v: unknown) => (typeof v === 'number' ? `$${v.toFixed(2)}` : 'to be confirmed');

export function createNotificationActivities({ db, transport, metrics, appUrl, smsBudget }: ActivityDeps) {
  const { Notification, NotificationEvent, DeliveryLog } = db.models;

  async function recipientsOf(trx: Knex.Transaction, event: NotificationEvent): Promise<Recipient[]> {
    const p = event.payload;
    const users = trx('users as u').where('u.is_active', true).select('u.id', 'u.username').orderBy('u.id');
    switch (EVENT_RULES[event.type as EventType].recipients) {
      case 'customer_users':
        return users.join('customer_users as cu', 'cu.user_id', 'u.id').where('cu.customer_id', Number(p.customerId));
      case 'technician':
      case 'previous_technician':
        if (p.technicianId === null || p.technicianId === undefined) return [];
        return users.join('technicians as t', 't.user_id', 'u.id').where('t.id', Number(p.technicianId));
      case 'admins':
        return users.where('u.role', 'admin');
    }
  }

  /** Creates the in-app notifications of one event (one per recipient), idempotently. */
  async function materialize(event: NotificationEvent): Promise<Notification[]> {
    const rules = EVENT_RULES[event.type as EventType];
    const channels = channelsFor(rules.priority);
    return db.knex.transaction(async (trx) => {
      const existing = await Notification.query(trx).where('eventId', event.id);
      const recipients = await recipientsOf(trx, event);
      const missing = recipients.filter((r) => !existing.some((n) => n.userId === r.id));
      if (missing.length === 0) {
        await trx('notification_events').where('id', event.id).update({ processed_at: new Date() });
        return existing;
      }
      const [template, brand] = await Promise.all([activeTemplate(db, trx, event.type), brandSettings(trx)]);
      const p = event.payload;
      const actionUrl = event.repairId ? `${appUrl}/repairs/${event.repairId}` : null;
      const rows = missing.map((r) => {
        const rendered = renderTemplate(
          template,
          {
            ...p,
            repair: { id: event.repairId, unitNumber: p.unitNumber, status: p.status },
            recipient: { username: r.username },
            actionUrl,
            estimatedCost: money(p.estimatedCost),
            cost: money(p.cost),
            discountedCost: money(p.discountedCost),
          },
          brand,
        );
        return {
          userId: r.id,
          eventId: event.id,
          repairId: event.repairId,
          title: rendered.title,
          message: rendered.message,
          category: rules.category,
          priority: rules.priority,
          actionUrl,
          channels,
          content: { emailSubject: rendered.emailSubject, emailHtml: rendered.emailHtml, emailText: rendered.emailText, sms: rendered.sms },
        };
      });
      const inserted = await trx('notifications')
        .insert(rows.map((r) => ({ ...r, channels: JSON.stringify(r.channels), content: JSON.stringify(r.content) })))
        .onConflict(['event_id', 'user_id'])
        .ignore()
        .returning('id');
      for (let i = 0; i < inserted.length; i++) metrics.record(metric.created(rules.priority, rules.category));
      await trx('notification_events').where('id', event.id).update({ processed_at: new Date() });
      return Notification.query(trx).where('eventId', event.id);
    });
  }

  /**
   * Writes the next log row for a notification and channel. Attempts are numbered from the log
   * itself, not from Temporal's counter, so an admin's retry (a new workflow) continues the count;
   * two writers racing for the same number collide on the unique key and one retries.
   */
  async function appendLog(
    row: {
      notificationId: number;
      channel: DeliveryChannel;
      status: DeliveryLog['status'];
      recipient?: string | null;
      errorCode?: string;
      errorMessage?: string;
    },
    known?: DeliveryLog[],
  ) {
    let attempt: number;
    if (known) {
      attempt = Math.max(0, ...known.map((l) => l.attempt)) + 1;
    } else {
      const last = await DeliveryLog.query().where({ notificationId: row.notificationId, channel: row.channel }).max('attempt as max').first();
      attempt = Number((last as unknown as { max: number | null } | undefined)?.max ?? 0) + 1;
    }
    return DeliveryLog.query().insert({ ...row, attempt });
  }

  /**
   * Outcome of one attempt, on the attempt's log row and, when sent, the notification's flag: one
   * statement, so both or neither are written without a transaction's extra round trips.
   */
  async function finish(logId: number, n: Notification, channel: DeliveryChannel, patch: Partial<Pick<DeliveryLog, 'status' | 'providerMessageId' | 'costEstimate' | 'errorCode' | 'errorMessage'>>): Promise<void> {
    const logUpdate = db.knex('delivery_logs').update({ ...patch, updatedAt: new Date() }).where('id', logId).returning('id');
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

  /** What this calendar month's sent SMS cost, by the delivery log's estimates (the guard's measure). */
  async function smsSpentThisMonth(): Promise<number> {
    const row = await db
      .knex('delivery_logs')
      .where({ channel: 'sms', status: 'sent' })
      .where('created_at', '>=', budgetMonthStart(new Date()))
      .sum({ spent: 'cost_estimate' })
      .first<{ spent: number | null }>();
    return Number(row?.spent ?? 0);
  }

  /** Priority, category, preferences and address of several notifications, in two queries. */
  async function contextsOf(ids: number[]): Promise<Map<number, DeliveryContext>> {
    if (ids.length === 0) return new Map();
    const rows: Array<Pick<Notification, 'id' | 'userId' | 'priority' | 'category'> & Record<'email' | 'phone', string | null> & Record<'emailVerified' | 'phoneVerified', boolean | null>> =
      await db
        .knex('notifications as n')
        .leftJoin('users as u', 'u.id', 'n.userId')
        .whereIn('n.id', ids)
        .select('n.id', 'n.userId', 'n.priority', 'n.category', 'u.email', 'u.emailVerified', 'u.phone', 'u.phoneVerified');
    const preferences = await loadPreferencesOf(db.knex, [...new Set(rows.map((r) => r.userId))]);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          priority: r.priority,
          category: r.category,
          preferences: preferences.get(r.userId)!,
          address: { email: r.email ?? null, emailVerified: Boolean(r.emailVerified), phone: r.phone ?? null, phoneVerified: Boolean(r.phoneVerified) },
        },
      ]),
    );
  }

  /**
   * One attempt to send each of several notifications on a channel: at most one message ever goes
   * out per notification and channel. Each attempt is claimed (a `pending` log row) before the
   * provider is called and finished as soon as the provider answers; a claim left behind by a
   * worker that died mid-send means the outcome is unknown, and with a provider that cannot
   * deduplicate (SES, SNS) we then refuse to risk a second copy. The reads and the claims are one
   * query each for the whole batch; each send and its outcome are its own.
   * Returns each notification's outcome, or the error its attempt ended with.
   */
  async function deliverMany(ids: number[], channel: DeliveryChannel): Promise<Map<number, DeliveryOutcome | Error>> {
    const attempt = Context.current().info.attempt; // Temporal's count, reported back to the workflow
    const out = new Map<number, DeliveryOutcome | Error>();
    const [found, allLogs] = await Promise.all([
      Notification.query().findByIds(ids).withGraphJoined('user'),
      DeliveryLog.query().whereIn('notificationId', ids).where({ channel }),
    ]);
    const byId = new Map(found.map((n) => [n.id, n]));
    let spentUsd: number | undefined; // read once, then counted on as this batch claims its SMS
    const claims: Array<{ n: Notification; to: string; attempt: number }> = [];
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
      const orphan = logs.find((l) => l.status === 'pending');
      if (orphan) {
        const code = transport.name === 'local' ? 'WORKER_LOST' : 'OUTCOME_UNKNOWN';
        await DeliveryLog.query().patch({ status: 'failed', errorCode: code, errorMessage: 'the worker stopped before recording the outcome' }).where('id', orphan.id);
        // The local outbox deduplicates by notification and channel, so sending again is safe there.
        if (transport.name !== 'local') {
          recordFailure(metrics, channel, code);
          out.set(id, { status: 'failed', attempt, code });
          continue;
        }
      }
      const to = channel === 'email' ? n.user.email : n.user.phone;
      if (!to) {
        await appendLog({ notificationId: id, channel, status: 'suppressed', errorCode: 'no_address' }, logs);
        out.set(id, { status: 'suppressed', attempt, code: 'no_address' });
        continue;
      }
      if (channel === 'sms') {
        spentUsd ??= await smsSpentThisMonth();
        if (!smsWithinBudget({ priority: n.priority, spentUsd, costUsd: smsBudget.costEstimateUsd, budgetUsd: smsBudget.monthlyUsd })) {
          const errorMessage = `monthly SMS budget of $${smsBudget.monthlyUsd.toFixed(2)} reached ($${spentUsd.toFixed(5)} spent this month)`;
          await appendLog({ notificationId: id, channel, status: 'suppressed', recipient: to, errorCode: SMS_BUDGET_REASON, errorMessage }, logs);
          out.set(id, { status: 'suppressed', attempt, code: SMS_BUDGET_REASON });
          continue;
        }
        spentUsd += smsBudget.costEstimateUsd;
      }
      claims.push({ n, to, attempt: Math.max(0, ...logs.map((l) => l.attempt)) + 1 });
    }
    if (claims.length === 0) return out;

    // Two writers racing for the same attempt number collide on the unique key; the activity retries.
    const claimed: Array<{ id: number; notificationId: number }> = await db
      .knex('delivery_logs')
      .insert(claims.map((c) => ({ notificationId: c.n.id, channel, status: 'pending', recipient: c.to, attempt: c.attempt })))
      .returning(['id', 'notificationId']);
    const claimOf = new Map(claimed.map((r) => [r.notificationId, r.id]));

    await mapLimit(claims, BATCH_PARALLELISM, async ({ n, to }) => {
      const logId = claimOf.get(n.id)!;
      const started = performance.now();
      try {
        const result =
          channel === 'email'
            ? await transport.sendEmail({ notificationId: n.id, to, subject: n.content.emailSubject, html: n.content.emailHtml, text: n.content.emailText })
            : await transport.sendSms({ notificationId: n.id, to, body: n.content.sms });
        await finish(logId, n, channel, { status: 'sent', providerMessageId: result.providerMessageId, costEstimate: result.costEstimateUsd });
        metrics.record(metric.success(channel));
        metrics.record(metric.duration(channel, performance.now() - started));
        if (channel === 'sms' && result.costEstimateUsd !== null) metrics.record(metric.smsCost(result.costEstimateUsd));
        out.set(n.id, { status: 'sent', attempt });
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'UNEXPECTED', false, { cause: err });
        await finish(logId, n, channel, { status: 'failed', errorCode: e.code, errorMessage: e.message.slice(0, 1000) });
        recordFailure(metrics, channel, e.code);
        // The scrubbed message and code go to the workflow history; the provider's raw error (which
        // can echo request details) stays in the delivery log's process, not in Temporal.
        const failure = { message: e.message, type: e.code };
        out.set(n.id, e.permanent ? ApplicationFailure.create({ ...failure, nonRetryable: true }) : ApplicationFailure.create(failure));
      }
    });
    return out;
  }

  async function deliver(notificationId: number, channel: DeliveryChannel): Promise<DeliveryOutcome> {
    const result = (await deliverMany([notificationId], channel)).get(notificationId)!;
    if (result instanceof Error) throw result;
    return result;
  }

  return {
    /**
     * Turns a repair's events after `afterEventId` into notifications and returns what to deliver.
     * Idempotent: a retry returns the same plans, and the watermark lives in the workflow.
     */
    async dispatchRepairEvents(repairId: number, afterEventId: number): Promise<{ plans: DeliveryPlan[]; watermark: number }> {
      const events = await NotificationEvent.query().where('repairId', repairId).where('id', '>', afterEventId).orderBy('id');
      const plans: DeliveryPlan[] = [];
      for (const event of events) {
        for (const n of await materialize(event)) {
          const channels = n.channels.filter((c): c is DeliveryChannel => c !== 'in_app');
          if (channels.length) plans.push({ notificationId: n.id, channels });
        }
      }
      const contexts = await contextsOf(plans.map((p) => p.notificationId));
      return { plans: plans.map((p) => ({ ...p, context: contexts.get(p.notificationId) })), watermark: events.at(-1)?.id ?? afterEventId };
    },

    async loadDeliveryContext(notificationId: number): Promise<DeliveryContext> {
      const context = (await contextsOf([notificationId])).get(notificationId);
      if (!context) throw ApplicationFailure.nonRetryable(`notification ${notificationId} does not exist`, 'NotificationMissing');
      return context;
    },

    /** Deliveries the rules skipped (disabled channel, category off, no address): each logged as suppressed. */
    async recordSuppressed(items: Suppression[]): Promise<void> {
      for (const { notificationId, channel, reason } of items) {
        // Idempotent: a retried activity finds its own row (the newest) and writes nothing.
        const newest = await DeliveryLog.query().where({ notificationId, channel }).orderBy('attempt', 'desc').first();
        if (newest?.status === 'suppressed' && newest.errorCode === reason) continue;
        await appendLog({ notificationId, channel, status: 'suppressed', errorCode: reason });
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
      const results = notificationIds.map((id) => delivered.get(id)!);
      const outcomes: Record<number, DeliveryOutcome> = {};
      const transient: Error[] = [];
      results.forEach((r, i) => {
        if (!(r instanceof Error)) {
          outcomes[notificationIds[i]!] = r;
          return;
        }
        const permanent = r instanceof ApplicationFailure && r.nonRetryable;
        if (!permanent) transient.push(r);
        outcomes[notificationIds[i]!] = { status: 'failed', attempt, code: r instanceof ApplicationFailure ? (r.type ?? 'UNEXPECTED') : 'UNEXPECTED' };
      });
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
