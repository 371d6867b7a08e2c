import { ActivityFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import { decideDelivery } from '../domain/notifications/decide';
import type { DeliveryChannel } from '../domain/notifications/types';

export interface DeliverNotificationInput {
  notificationId: number;
  channels: DeliveryChannel[];
  emailTaskQueue: string;
  maxAttempts: number;
  retryInitialMs: number;
  attemptTimeoutMs: number;
}

const { loadDeliveryContext, recordSuppressed } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Delivers one notification on its email/SMS channels (the in-app record already exists). Each
 * channel follows the recipient's preferences; inside quiet hours it waits on a durable timer and
 * decides again when the window ends. Sends retry with exponential backoff; every attempt is logged.
 */
export async function deliverNotificationWorkflow(input: DeliverNotificationInput): Promise<Record<string, string>> {
  const retry = { maximumAttempts: input.maxAttempts, initialInterval: input.retryInitialMs, backoffCoefficient: 2 };
  const timeouts = { startToCloseTimeout: input.attemptTimeoutMs, retry };
  const { sendEmail } = proxyActivities<RepairActivities>({ taskQueue: input.emailTaskQueue, ...timeouts });
  const { sendSms } = proxyActivities<RepairActivities>(timeouts);

  const outcome: Record<string, string> = {};
  await Promise.all(
    input.channels.map(async (channel) => {
      for (;;) {
        const ctx = await loadDeliveryContext(input.notificationId);
        const decision = decideDelivery({ channel, ...ctx, now: new Date() });
        if (decision.action === 'skip') {
          await recordSuppressed(input.notificationId, channel, decision.reason);
          outcome[channel] = `suppressed: ${decision.reason}`;
          return;
        }
        if (decision.action === 'defer') {
          // Preferences may change while we wait, so the decision is taken again afterwards.
          await sleep(Math.max(1, decision.until.getTime() - new Date().getTime()));
          continue;
        }
        try {
          const result = await (channel === 'email' ? sendEmail : sendSms)(input.notificationId);
          outcome[channel] = result.code ? `${result.status}: ${result.code}` : result.status;
        } catch (err) {
          // Every attempt is already in the delivery log; the notification itself stays in-app.
          if (!(err instanceof ActivityFailure)) throw err;
          outcome[channel] = 'failed';
        }
        return;
      }
    }),
  );
  return outcome;
}
