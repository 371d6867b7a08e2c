import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { ConflictError, NotFoundError } from '../domain/errors';
import { keys } from '../domain/keys';
import type { DeliverNotificationsInput, deliverNotificationsWorkflow } from '../workflows/notification';
import { bounded, deliveryOptions, WORKFLOW_CALL_DEADLINE_MS, type UseCaseDeps } from './deps';

/**
 * Re-sends a failed delivery through the same workflow the first attempt used, so preferences,
 * quiet hours and the one-message-per-channel rule apply to the retry as well.
 */
export async function retryDelivery(deps: UseCaseDeps, logId: number): Promise<{ workflowId: string }> {
  const { DeliveryLog } = deps.db.models;
  const log = await DeliveryLog.query().findById(logId);
  if (!log) throw new NotFoundError('Delivery log');
  if (log.status !== 'failed') {
    throw new ConflictError(`Only a failed delivery can be retried; delivery log ${log.id} is ${log.status}`);
  }
  // Unknown outcome: the provider may have delivered it, and nothing may ever be sent twice.
  const unknownOutcome = await DeliveryLog.query()
    .where({ notificationId: log.notificationId, channel: log.channel, errorCode: 'OUTCOME_UNKNOWN' })
    .first();
  if (unknownOutcome) {
    throw new ConflictError(
      `The outcome of a ${log.channel} send of notification ${log.notificationId} is unknown (delivery log ${unknownOutcome.id}): it may have been delivered, so it is not sent again`,
    );
  }
  const others = await DeliveryLog.query()
    .where({ notificationId: log.notificationId, channel: log.channel })
    .whereIn('status', ['sent', 'pending'])
    .orderBy('id');
  const sent = others.find((l) => l.status === 'sent');
  if (sent) {
    throw new ConflictError(
      `Notification ${log.notificationId} was already sent by ${log.channel} (delivery log ${sent.id}); retrying would send it twice`,
    );
  }
  // A pending attempt is either still in flight or its outcome is unknown; a retry now would race it
  // (and with SES/SNS deliver() treats it as a lost send and gives up, so the retry would do nothing).
  const pending = others.find((l) => l.status === 'pending');
  if (pending) {
    throw new ConflictError(
      `A ${log.channel} delivery of notification ${log.notificationId} is in progress (delivery log ${pending.id}); wait for its outcome`,
    );
  }

  const workflowId = keys.deliveryRetry(log.notificationId, log.channel, log.id);
  const input: DeliverNotificationsInput = {
    plans: [{ notificationId: log.notificationId, channels: [log.channel] }],
    ...deliveryOptions(deps.config),
  };
  try {
    // Bounded like repair creation: while Temporal is down the caller gets 503 rather than a hang.
    await bounded(deps, WORKFLOW_CALL_DEADLINE_MS, () =>
      deps.temporal.client.workflow.start<typeof deliverNotificationsWorkflow>('deliverNotificationsWorkflow', {
        workflowId,
        taskQueue: deps.config.temporal.taskQueue,
        args: [input],
        // One retry per failed log: retrying the same log again (even after its retry finished)
        // is refused; a retry that failed leaves its own failed log to retry.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ConflictError(`Delivery log ${log.id} has already been retried (workflow ${workflowId})`);
    }
    throw err;
  }
  return { workflowId };
}
