import { proxyActivities } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import type { PasswordResetRequest } from '../domain/notifications/account';
import type { DeliveryOptions } from '../domain/notifications/delivery';
import { deliverPlans } from './deliver';
import { workflowLock } from './one-at-a-time';

const { issuePasswordReset } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

export interface PasswordResetInput {
  request: PasswordResetRequest;
  delivery: DeliveryOptions;
}

/**
 * One password-reset request, from the moment the API accepted it: once the API has answered 202
 * the request is Temporal's, so a process dying afterwards loses nothing. The public request is
 * answered alike for every username (the account is looked up here, not in the API).
 */
export async function passwordResetWorkflow(input: PasswordResetInput): Promise<string> {
  const notificationId = await issuePasswordReset(input.request);
  if (notificationId === null) return 'nothing to send';
  const outcome = await deliverPlans([{ notificationId, channels: ['email'] }], { options: input.delivery, serially: workflowLock().lock });
  return outcome[`${notificationId}/email`] ?? 'not delivered';
}
