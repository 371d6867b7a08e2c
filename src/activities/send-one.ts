import { ApplicationFailure } from '@temporalio/activity';
import type { DeliveryOutcome } from '../domain/notifications/delivery';
import type { DeliveryChannel } from '../domain/notifications/types';
import { metric, recordFailure, type Metrics } from '../transports/metrics';
import { DeliveryError, type SendResult, type Transport } from '../transports/types';
import type { Candidate, createDeliveryLogs } from './delivery-logs';
import { outcomeNotRecorded, withRetries } from './record-outcome';

/**
 * One claimed send and its outcome. Only the provider's refusal ends a claim `failed`; once the
 * provider has accepted, the claim becomes `sent` or stays `pending` (unknown outcome, never sent
 * again by SES/SNS). Sets the notification's outcome, or the error its attempt ended with.
 */
export function createSender(
  transport: Transport,
  metrics: Metrics,
  finish: ReturnType<typeof createDeliveryLogs>['finish'],
  attempt: () => number,
) {
  return async function sendOne(
    { n, to }: Candidate,
    channel: DeliveryChannel,
    logId: number,
    out: Map<number, DeliveryOutcome | Error>,
  ): Promise<void> {
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
        err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'UNEXPECTED', false, { cause: err });
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
    out.set(n.id, { status: 'sent', attempt: attempt() });
  };
}
