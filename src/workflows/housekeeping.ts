import { log, proxyActivities } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';

export interface CleanupInput {
  /** Delivery logs older than this are deleted (90 days by default). */
  retentionMs: number;
  batchSize: number;
}

export interface CleanupResult {
  cutoff: string;
  deleted: number;
  batches: number;
}

const { deleteDeliveryLogsBefore } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The weekly clean-up (a Temporal Schedule): deletes delivery logs created before now minus the
 * retention, in batches, and reports how many went. The cut-off is fixed at the start, so a long
 * run does not chase rows that age past the line while it works.
 */
export async function cleanupDeliveryLogsWorkflow(input: CleanupInput): Promise<CleanupResult> {
  const cutoff = new Date(new Date().getTime() - input.retentionMs).toISOString();
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const n = await deleteDeliveryLogsBefore(cutoff, input.batchSize);
    deleted += n;
    batches++;
    if (n < input.batchSize) break;
  }
  log.info('delivery logs cleaned up', { cutoff, deleted, batches });
  return { cutoff, deleted, batches };
}
