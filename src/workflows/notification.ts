import type { DeliveryOptions, DeliveryPlan } from '../domain/notifications/delivery';
import { deliverPlans } from './deliver';
import { workflowLock } from './one-at-a-time';

export interface DeliverNotificationsInput extends DeliveryOptions {
  /** Notifications held by quiet hours when their repair dispatched them, or an admin's retry of one. */
  plans: DeliveryPlan[];
}

/**
 * Deliveries that outlive the moment: those a repair handed off because quiet hours hold them
 * (the wait may end after the repair is COMPLETED), and an admin's retry of a failed one.
 */
export async function deliverNotificationsWorkflow(input: DeliverNotificationsInput): Promise<Record<string, string>> {
  const { plans, ...options } = input;
  return deliverPlans(plans, { options, serially: workflowLock().lock });
}
