import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/activity';

/**
 * Pauses between tries of the `sent` write. Short: the message is already out, and an attempt that
 * gives up leaves the claim to the next one, which records the outcome as unknown.
 */
export const SENT_WRITE_DELAYS_MS = [50, 200, 800] as const;

/** Runs `write`, and again after each delay while it fails; the last failure is thrown. */
export async function withRetries<T>(write: () => PromiseLike<T>, delaysMs: readonly number[] = SENT_WRITE_DELAYS_MS): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (err) {
      if (i >= delaysMs.length) throw err;
      await sleep(delaysMs[i]);
    }
  }
}

/** The error type of an attempt whose message the provider accepted but whose `sent` write failed. */
export const OUTCOME_NOT_RECORDED = 'OUTCOME_NOT_RECORDED';

/**
 * Retryable on purpose: the next attempt finds the claim still `pending` and takes the orphan path,
 * which never sends again through a provider that cannot deduplicate. The database's own message
 * stays out of the workflow history (it can quote the statement).
 */
export function outcomeNotRecorded(outcome: string, err: unknown): ApplicationFailure {
  const code = (err as { code?: unknown } | null)?.code;
  return ApplicationFailure.create({
    message: `${outcome}, but recording it failed${typeof code === 'string' ? ` (${code})` : ''}; its claim stays pending`,
    type: OUTCOME_NOT_RECORDED,
  });
}
