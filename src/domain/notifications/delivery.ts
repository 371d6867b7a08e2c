import type { RecipientAddress, VerifyingAddress } from './decide';
import type { Category, DeliveryChannel, NotificationPreferences, Priority } from './types';

/**
 * The shapes of delivering a notification, shared by the workflows that decide and wait, the
 * activities that read and send, and the API and schedules that start deliveries.
 */

/** What deciding a delivery needs to know about a notification and its recipient. */
export interface DeliveryContext {
  priority: Priority;
  category: Category;
  preferences: NotificationPreferences;
  address: RecipientAddress;
  /** An address-verification message's target (see decideDelivery); absent on every other notification. */
  verifying?: VerifyingAddress;
  /**
   * The channels the staged rollout has not reached for the recipient, read with the preferences;
   * absent when it has reached both (so contexts recorded before the rollout existed decide alike).
   */
  outsideRollout?: DeliveryChannel[];
}

/** One notification to deliver, and on which of its channels. */
export interface DeliveryPlan {
  notificationId: number;
  channels: DeliveryChannel[];
  /** Loaded with the plan when it is made, so deciding needs no further read. */
  context?: DeliveryContext;
}

/** How one attempt at one notification and channel ended. */
export interface DeliveryOutcome {
  status: 'sent' | 'failed' | 'suppressed';
  attempt: number;
  code?: string;
}

/** A delivery the rules skipped (disabled channel, category off, no address), logged as such. */
export interface Suppression {
  notificationId: number;
  channel: DeliveryChannel;
  reason: string;
}

/** How deliveries are sent and retried: one declaration for the repair, delivery and digest workflows. */
export interface DeliveryOptions {
  /** The SES-rate-limited queue every email goes through. */
  emailTaskQueue: string;
  maxAttempts: number;
  retryInitialMs: number;
  attemptTimeoutMs: number;
}
