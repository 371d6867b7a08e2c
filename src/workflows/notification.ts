import { ActivityFailure, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import type { DeliveryPlan } from '../activities/notifications';
import { decideDelivery } from '../domain/notifications/decide';
import { SMS_BUDGET_REASON } from '../domain/notifications/sms-budget';
import { oneAtATime } from './one-at-a-time';
import type { DeliveryChannel } from '../domain/notifications/types';

export interface DeliverNotificationsInput {
  /** The notifications of one dispatch (one event's recipients, or an admin's retry of one). */
  plans: DeliveryPlan[];
  emailTaskQueue: string;
  maxAttempts: number;
  retryInitialMs: number;
  attemptTimeoutMs: number;
}

// Reads and a log row: short and idempotent, so they run inside the workflow task (no round trip).
// Called only one at a time (see one-at-a-time.ts).
const local = proxyLocalActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Delivers notifications on their email/SMS channels (the in-app records already exist). Every
 * notification and channel goes its own way, in parallel: it follows the recipient's preferences,
 * waits out quiet hours on a durable timer (deciding again when the window ends, as preferences
 * may have changed), and sends with retries and exponential backoff; every attempt is logged.
 * One workflow per dispatch rather than per notification: a fleet's fan-out stays a few workflows.
 * A non-urgent SMS held back by the monthly SMS budget falls back to email when the plan had none.
 */
export async function deliverNotificationsWorkflow(input: DeliverNotificationsInput): Promise<Record<string, string>> {
  const retry = { maximumAttempts: input.maxAttempts, initialInterval: input.retryInitialMs, backoffCoefficient: 2 };
  const timeouts = { startToCloseTimeout: input.attemptTimeoutMs, retry };
  const { sendEmail } = proxyActivities<RepairActivities>({ taskQueue: input.emailTaskQueue, ...timeouts });
  const { sendSms } = proxyActivities<RepairActivities>(timeouts);

  const serially = oneAtATime();
  const loadDeliveryContext = (id: number) => serially(() => local.loadDeliveryContext(id));
  const recordSuppressed = (id: number, channel: DeliveryChannel, reason: string) => serially(() => local.recordSuppressed(id, channel, reason));

  const outcome: Record<string, string> = {};
  const emailPlanned = new Set(input.plans.filter((p) => p.channels.includes('email')).map((p) => p.notificationId));

  async function deliverOne(notificationId: number, channel: DeliveryChannel): Promise<string> {
    for (;;) {
      const ctx = await loadDeliveryContext(notificationId);
      const decision = decideDelivery({ channel, ...ctx, now: new Date() });
      if (decision.action === 'skip') {
        await recordSuppressed(notificationId, channel, decision.reason);
        return `suppressed: ${decision.reason}`;
      }
      if (decision.action === 'defer') {
        await sleep(Math.max(1, decision.until.getTime() - new Date().getTime()));
        continue;
      }
      try {
        const result = await (channel === 'email' ? sendEmail : sendSms)(notificationId);
        if (result.code === SMS_BUDGET_REASON && !emailPlanned.has(notificationId)) {
          // Over the month's SMS budget: the message still reaches the user, by email, when the rules allow it.
          emailPlanned.add(notificationId);
          outcome[`${notificationId}/email`] = await deliverOne(notificationId, 'email');
        }
        return result.code ? `${result.status}: ${result.code}` : result.status;
      } catch (err) {
        // Every attempt is already in the delivery log; the notification itself stays in-app.
        if (!(err instanceof ActivityFailure)) throw err;
        return 'failed';
      }
    }
  }

  await Promise.all(
    input.plans.flatMap((plan) =>
      plan.channels.map(async (channel) => {
        outcome[`${plan.notificationId}/${channel}`] = await deliverOne(plan.notificationId, channel);
      }),
    ),
  );
  return outcome;
}
