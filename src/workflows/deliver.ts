import { ActivityFailure, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import { decideDelivery } from '../domain/notifications/decide';
import type { DeliveryContext, DeliveryOptions, DeliveryOutcome, DeliveryPlan, Suppression } from '../domain/notifications/delivery';
import { SMS_BUDGET_REASON } from '../domain/notifications/sms-budget';
import type { DeliveryChannel } from '../domain/notifications/types';

export interface DeliverHow {
  options: DeliveryOptions;
  /** The workflow's lock for local activities (see one-at-a-time.ts). */
  serially: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * Where deliveries held by quiet hours go. Without it they wait here on a durable timer; the
   * repair workflow hands them to a workflow of their own so it can finish on time.
   */
  handOff?: (plans: DeliveryPlan[]) => Promise<void>;
}

// Reads and log rows: short and idempotent, so they run inside the workflow task (no round trip).
const local = proxyLocalActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const describe = (o: DeliveryOutcome) => (o.code ? `${o.status}: ${o.code}` : o.status);

/** From this patch on, a dispatch's emails go in one activity, paced by the shared SES schedule. */
export const EMAIL_BATCH_PATCH = 'email-batch';
// A batch waits for its SES slots inside the activity: long enough for a backlog of minutes, with
// heartbeats so a worker lost while waiting is noticed within the heartbeat timeout.
const EMAIL_BATCH_TIMEOUT = '10 minutes';
const EMAIL_BATCH_HEARTBEAT = '30 seconds';

/**
 * Delivers one dispatch's notifications on their email/SMS channels (the in-app records already
 * exist). Each notification and channel follows the recipient's preferences and waits out quiet
 * hours (deciding again when the window ends, as preferences may have changed). The dispatch's SMS
 * go in one activity, and its emails in another, on the email queue, paced to the SES quota by the
 * schedule all workers share (before the `email-batch` patch, one activity per email). Sends
 * retry with exponential backoff, and every attempt is logged. A non-urgent SMS held back by the
 * monthly SMS budget falls back to email when the plan had none. Returns the outcome per
 * `notificationId/channel`.
 */
export async function deliverPlans(plans: DeliveryPlan[], how: DeliverHow): Promise<Record<string, string>> {
  const { options, serially } = how;
  const retry = { maximumAttempts: options.maxAttempts, initialInterval: options.retryInitialMs, backoffCoefficient: 2 };
  const timeouts = { startToCloseTimeout: options.attemptTimeoutMs, retry };
  const { sendEmail } = proxyActivities<RepairActivities>({ taskQueue: options.emailTaskQueue, ...timeouts });
  const { sendSmsBatch } = proxyActivities<RepairActivities>(timeouts);
  const { sendEmailBatch } = proxyActivities<RepairActivities>({
    taskQueue: options.emailTaskQueue,
    startToCloseTimeout: EMAIL_BATCH_TIMEOUT,
    heartbeatTimeout: EMAIL_BATCH_HEARTBEAT,
    retry,
  });

  const outcome: Record<string, string> = {};
  const emailPlanned = new Set(plans.filter((p) => p.channels.includes('email')).map((p) => p.notificationId));

  /** A dispatch's SMS or emails in one activity; once its attempts are spent, each of them failed. */
  async function sendBatch(channel: DeliveryChannel, ids: number[]): Promise<Record<number, DeliveryOutcome>> {
    const [activity, one, many] =
      channel === 'sms' ? [sendSmsBatch, 'SMS for notification', 'SMS to'] : [sendEmailBatch, 'email for notification', 'emails to'];
    try {
      const summary = ids.length === 1 ? `${one} #${ids[0]}` : `${many} ${ids.length} recipients`;
      return await activity.executeWithOptions({ summary }, [ids, options.maxAttempts]);
    } catch (err) {
      // Every attempt is already in the delivery log; the notification itself stays in-app.
      if (!(err instanceof ActivityFailure)) throw err;
      return Object.fromEntries(ids.map((id) => [id, { status: 'failed', attempt: options.maxAttempts }]));
    }
  }
  const sendSms = (ids: number[]) => sendBatch('sms', ids);
  const sendEmails = (ids: number[]) => sendBatch('email', ids);

  async function send(id: number, channel: DeliveryChannel): Promise<string> {
    if (channel === 'sms') return afterSms(id, (await sendSms([id]))[id]!);
    if (patched(EMAIL_BATCH_PATCH)) return describe((await sendEmails([id]))[id]!);
    try {
      return describe(await sendEmail.executeWithOptions({ summary: `email for notification #${id}` }, [id]));
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return 'failed';
    }
  }

  async function afterSms(id: number, result: DeliveryOutcome): Promise<string> {
    if (result.code === SMS_BUDGET_REASON && !emailPlanned.has(id)) {
      // Over the month's SMS budget: the message still reaches the user, by email, when the rules allow it.
      emailPlanned.add(id);
      outcome[`${id}/email`] = await waitAndSend(id, 'email');
    }
    return describe(result);
  }

  /** One notification and channel on its own: decide from fresh context, wait if told to, send. */
  async function waitAndSend(id: number, channel: DeliveryChannel, known?: DeliveryContext): Promise<string> {
    for (let ctx = known; ; ctx = undefined) {
      ctx ??= await serially(() => local.loadDeliveryContext.executeWithOptions({ summary: `preferences for notification #${id}` }, [id]));
      const decision = decideDelivery({ channel, ...ctx, now: new Date() });
      if (decision.action === 'skip') {
        const suppressed = [{ notificationId: id, channel, reason: decision.reason }];
        await serially(() => local.recordSuppressed.executeWithOptions({ summary: `record ${channel} suppressed` }, [suppressed]));
        return `suppressed: ${decision.reason}`;
      }
      if (decision.action === 'send') return send(id, channel);
      await sleep(Math.max(1, decision.until.getTime() - new Date().getTime()), { summary: `quiet hours end (${channel})` });
    }
  }

  // Decide everything that can be decided now, from the contexts loaded with the plans.
  const skipped: Suppression[] = [];
  const sms: number[] = [];
  const emails: number[] = [];
  const held = new Map<number, DeliveryChannel[]>();
  const unknown: DeliveryPlan[] = [];
  const now = new Date();
  for (const plan of plans) {
    if (!plan.context) {
      unknown.push(plan);
      continue;
    }
    for (const channel of plan.channels) {
      const decision = decideDelivery({ channel, ...plan.context, now });
      if (decision.action === 'skip') skipped.push({ notificationId: plan.notificationId, channel, reason: decision.reason });
      else if (decision.action === 'defer') held.set(plan.notificationId, [...(held.get(plan.notificationId) ?? []), channel]);
      else (channel === 'sms' ? sms : emails).push(plan.notificationId);
    }
  }
  if (skipped.length > 0) {
    await serially(() => local.recordSuppressed.executeWithOptions({ summary: `record ${skipped.length} suppressed` }, [skipped]));
    for (const s of skipped) outcome[`${s.notificationId}/${s.channel}`] = `suppressed: ${s.reason}`;
  }
  const heldPlans = [...held].map(([notificationId, channels]) => ({ notificationId, channels }));
  if (how.handOff && heldPlans.length > 0) {
    await how.handOff(heldPlans);
    for (const p of heldPlans) for (const c of p.channels) outcome[`${p.notificationId}/${c}`] = 'handed off (quiet hours)';
  }
  const waiting = how.handOff ? [] : heldPlans;
  const contexts = new Map(plans.map((p) => [p.notificationId, p.context]));

  await Promise.all([
    (async () => {
      if (sms.length === 0) return;
      const results = await sendSms(sms);
      await Promise.all(sms.map(async (id) => (outcome[`${id}/sms`] = await afterSms(id, results[id]!))));
    })(),
    (async () => {
      if (emails.length === 0) return;
      if (!patched(EMAIL_BATCH_PATCH)) {
        // Histories from before the patch: one activity per email.
        await Promise.all(emails.map(async (id) => (outcome[`${id}/email`] = await send(id, 'email'))));
        return;
      }
      const results = await sendEmails(emails);
      for (const id of emails) outcome[`${id}/email`] = describe(results[id]!);
    })(),
    ...[...waiting, ...unknown].flatMap((p) =>
      p.channels.map(
        async (c) => (outcome[`${p.notificationId}/${c}`] = await waitAndSend(p.notificationId, c, contexts.get(p.notificationId))),
      ),
    ),
  ]);
  return outcome;
}
