import { keys } from '../domain/keys';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { DeliverNotificationsInput, deliverNotificationsWorkflow } from '../workflows/notification';
import { bounded, deliveryOptions, WORKFLOW_CALL_DEADLINE_MS, type UseCaseDeps } from './deps';

export { recordAccountMessage, type AccountMessage } from '../db/queries/account-messages';

/**
 * Delivers an account message through the notification workflow, like any other notification
 * (delivery log, retries, the SES rate), with the rule for account messages in decideDelivery.
 */
export async function deliverAccountMessage(deps: UseCaseDeps, notificationId: number, channel: DeliveryChannel): Promise<void> {
  const input: DeliverNotificationsInput = {
    plans: [{ notificationId, channels: [channel] }],
    ...deliveryOptions(deps.config),
  };
  await bounded(deps, WORKFLOW_CALL_DEADLINE_MS, () =>
    deps.temporal.client.workflow.start<typeof deliverNotificationsWorkflow>('deliverNotificationsWorkflow', {
      workflowId: keys.accountMessage(notificationId),
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
    }),
  );
}
