// A test-only workflow: many callers ask one lock in the same activation, as a move, the dispatcher
// and the deliveries do in the repair workflow.
import { sleep } from '@temporalio/workflow';
import { exclusiveLock, legacyGate } from '../../../src/workflows/one-at-a-time';

export interface LockProbeResult {
  /** The most callbacks that were inside the lock at once. */
  maxInside: number;
  /** The order callbacks entered in. */
  order: number[];
  /** Callers whose callback failed (every third), each seeing its own error. */
  failed: number[];
}

export async function lockProbe(kind: 'exclusive' | 'legacy', callers: number): Promise<LockProbeResult> {
  const lock = kind === 'exclusive' ? exclusiveLock() : legacyGate();
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  const failed: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, (_, i) =>
      lock(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(i);
        // A durable timer, so the callback spans workflow activations like an activity does.
        await sleep(5);
        inside--;
        if (i % 3 === 1) throw new Error(`caller ${i}`);
      }).catch((err: Error) => {
        if (err.message === `caller ${i}`) failed.push(i);
      }),
    ),
  );
  return { maxInside, order, failed };
}
