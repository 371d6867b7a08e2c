import { condition } from '@temporalio/workflow';

/**
 * A workflow-side lock: the returned function runs its callbacks one at a time, in the order they
 * asked. Local activities go through one: when several finish within one workflow task, replay
 * resolves them together, so overlapping ones could issue their follow-up commands (an update's
 * answer, a child start, the next activity) in another order than the original run did.
 */
export function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
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
