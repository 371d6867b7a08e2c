import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { MoveActor } from '../../src/domain/moves';
import { stateQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

export const admin: MoveActor = { userId: null, role: 'admin' };

export interface RepairWorld {
  h: Harness;
  customerToken: string;
  staffToken: string;
  customerId: number;
  techs: number[];
}

/**
 * The repair workflow suites' world, one per file: a fleet with its user, an admin and two technicians.
 * The periods are short so that reminders, escalations and assignment retries happen within a test.
 */
export async function startRepairWorld(opts: Parameters<typeof startHarness>[1] = {}): Promise<RepairWorld> {
  const h = await startHarness(
    { APPROVAL_REMINDER_PERIOD: '1500ms', APPROVAL_ESCALATION_PERIOD: '3s', ASSIGNMENT_RETRY_PERIOD: '500ms' },
    opts,
  );
  const customerId = await insertCustomer(h.db, 'Fleet W');
  await insertUser(h.db, 'fleet-w', 'customer', { customerId });
  await insertUser(h.db, 'boss', 'admin');
  const techs: number[] = [];
  for (const name of ['tech-x', 'tech-y']) techs.push((await insertUser(h.db, name, 'technician')).technicianId as number);
  return { h, customerToken: await h.login('fleet-w', PASSWORD), staffToken: await h.login('boss', PASSWORD), customerId, techs };
}

export function repairHelpers(harness: () => Harness) {
  const create = async (token: string, body: Record<string, unknown>) => {
    const h = harness();
    const res = await h.request('POST', '/api/repairs', { token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as number, handle: h.deps.temporal.client.workflow.getHandle(res.body.workflowId) };
  };
  const assigned = (handle: WorkflowHandle) =>
    eventually(async () => (await handle.query(stateQuery)).technicianId ?? undefined, 'assignment');
  const historyOf = (repairId: number) => harness().db.models.RepairHistory.query().where('repairId', repairId).orderBy('id');
  const eventsOf = (repairId: number, type?: string) => {
    const q = harness().db.models.NotificationEvent.query().where('repairId', repairId).orderBy('id');
    return type ? q.where('type', type) : q;
  };
  return { create, assigned, historyOf, eventsOf };
}
