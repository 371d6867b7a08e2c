import { condition, patched } from '@temporalio/workflow';

export type Lock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * A workflow-side mutex: callbacks run one at a time, in the order they asked. Each caller chains
 * onto the previous one's settlement, so exclusion does not depend on when the SDK wakes waiters
 * (several waiters woken in one activation all got in through a `condition` gate). Plain promise
 * chaining is deterministic, so the order replays exactly.
 */
export function exclusiveLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(() => fn());
    // The next caller waits for this one to settle, whether it succeeded or failed.
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

/**
 * The gate repair workflows started before the `exclusive-lock` patch used, kept so their
 * histories replay: it lets in every waiter whose condition holds in one activation.
 */
export function legacyGate(): Lock {
  let busy = false;
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };
}

/** Marks histories started with the exclusive lock; older ones replay with the gate they used. */
export const EXCLUSIVE_LOCK_PATCH = 'exclusive-lock';

/**
 * The lock for a workflow's moves and local activities; call once, at the workflow's start.
 * `exclusive` says which one this history runs with, for code whose behaviour followed it.
 */
export function workflowLock(): { lock: Lock; exclusive: boolean } {
  const exclusive = patched(EXCLUSIVE_LOCK_PATCH);
  return { lock: exclusive ? exclusiveLock() : legacyGate(), exclusive };
}
