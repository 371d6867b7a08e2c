import type { Config } from '../config';
import type { Db } from '../db';
import type { DeliveryOptions } from '../domain/notifications/delivery';
import type { TemporalHandles } from '../temporal/client';

/** What the use-cases run on; the API's and the ops console's dependencies both include it. */
export interface UseCaseDeps {
  config: Config;
  db: Db;
  temporal: TemporalHandles;
}

/**
 * How long a caller waits for one Temporal call (a start, an update). While Temporal is down its
 * client retries for a long time; the caller gets an answer (503) sooner.
 */
export const WORKFLOW_CALL_DEADLINE_MS = 5_000;

/** Runs one Temporal call under a deadline of `ms`. */
export function bounded<T>(deps: Pick<UseCaseDeps, 'temporal'>, ms: number, call: () => Promise<T>): Promise<T> {
  return deps.temporal.connection.withDeadline(Date.now() + ms, call);
}

/** The configured delivery settings, as every workflow that delivers takes them. */
export function deliveryOptions(config: Config): DeliveryOptions {
  const n = config.notifications;
  return {
    emailTaskQueue: n.emailTaskQueue,
    maxAttempts: n.maxAttempts,
    retryInitialMs: n.retryInitialMs,
    attemptTimeoutMs: n.attemptTimeoutMs,
  };
}
