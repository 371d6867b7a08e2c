import { setCurrentDetails } from '@temporalio/workflow';
import { advance, currentDetails, customerLabel, type RepairMoment, type Waiting } from '../domain/repair-details';
import type { RepairWorkflowInput, RepairWorkflowState } from './definitions';

/**
 * Keeps a repair workflow's current details (shown by the Temporal UI and `temporal workflow
 * metadata`) in step with its state. Call the returned function after every change of status or
 * technician, and with the new wait when the status loop starts waiting on something (undefined
 * keeps the wait as it is). Metadata only, no command: histories recorded before it replay.
 */
export function narrator(input: RepairWorkflowInput, state: RepairWorkflowState): (waiting?: Waiting) => void {
  const customer = customerLabel(input.customerId, input.customerName);
  let moment: RepairMoment = { status: state.status, technicianId: state.technicianId, since: new Date().getTime(), waiting: null };
  const explain = (waiting?: Waiting) => {
    const next = advance(moment, state, new Date().getTime());
    moment = waiting === undefined ? next : { ...next, waiting };
    setCurrentDetails(currentDetails(moment, customer));
  };
  explain();
  return explain;
}
