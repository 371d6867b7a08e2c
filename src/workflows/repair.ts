import { condition, proxyActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { RepairActivities } from '../activities';
import { SA, stateQuery, type RepairWorkflowInput, type RepairWorkflowState } from './definitions';

const { assignTechnician } = proxyActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One workflow per repair: the database is the record, this orchestrates it. */
export async function repairWorkflow(input: RepairWorkflowInput): Promise<RepairWorkflowState> {
  const state: RepairWorkflowState = {
    repairId: input.repairId,
    status: input.status,
    technicianId: input.technicianId,
  };
  setHandler(stateQuery, () => state);

  // A customer's request waits for a technician; it never fails for want of one.
  while (state.technicianId === null) {
    state.technicianId = await assignTechnician(input.repairId);
    if (state.technicianId === null) await sleep(input.assignmentRetryMs);
  }
  upsertSearchAttributes([{ key: SA.TechnicianId, value: state.technicianId }]);

  // Moves (submit, approve, deny, start, complete) arrive as updates; the lifecycle lands next.
  await condition(() => state.status === 'COMPLETED' || state.status === 'DENIED');
  return state;
}
