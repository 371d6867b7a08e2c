import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { keys } from '../domain/keys';
import type { RepairRecord } from '../domain/repair';
import { repairStaticDetails, repairSummary } from '../domain/repair-details';
import { SA, type RepairWorkflowInput } from '../workflows/definitions';
import type { repairWorkflow } from '../workflows/repair';
import { bounded, deliveryOptions, WORKFLOW_CALL_DEADLINE_MS, type UseCaseDeps } from './deps';

/** For each call that finds out what a failed start did: short, the caller is still waiting. */
const SETTLE_DEADLINE_MS = 3_000;
/**
 * A creation request settles its start within about 15 s (the start, a describe, one more start,
 * a describe); a marker older than this belongs to no request still running.
 */
export const UNCONFIRMED_AFTER_MS = 60_000;

/** See the migration of the same name: repairs whose workflow is not known to run. */
export const UNCONFIRMED_STARTS = 'unconfirmed_repair_starts';

export type RepairStartOptions = WorkflowStartOptions<typeof repairWorkflow>;

type Fresh = Pick<RepairRecord, 'id' | 'customerId' | 'unitNumber' | 'technicianId' | 'damageType' | 'description'> & {
  status: RepairWorkflowInput['status'];
  customerName: string;
};

export function repairStartOptions(config: Config, repair: Fresh): RepairStartOptions {
  const input: RepairWorkflowInput = {
    repairId: repair.id,
    customerId: repair.customerId,
    customerName: repair.customerName,
    unitNumber: repair.unitNumber,
    status: repair.status,
    technicianId: repair.technicianId,
    assignmentRetryMs: config.repairs.assignmentRetryMs,
    approvalReminderMs: config.repairs.approvalReminderMs,
    approvalEscalationMs: config.repairs.approvalEscalationMs,
    delivery: deliveryOptions(config),
    deliveryInlineMax: config.notifications.inlineMax,
  };
  return {
    workflowId: keys.repairWorkflow(repair.id),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    // The id is the idempotency key: a second start of repair-<id> is refused, never a second run.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // What the Temporal UI lists and heads the workflow's page with (its current details follow the state).
    staticSummary: repairSummary({ ...repair, repairId: repair.id }),
    staticDetails: repairStaticDetails({ ...repair, repairId: repair.id }),
    typedSearchAttributes: [
      { key: SA.RepairStatus, value: repair.status },
      { key: SA.CustomerId, value: repair.customerId },
      { key: SA.UnitNumber, value: repair.unitNumber },
      ...(repair.technicianId !== null ? [{ key: SA.TechnicianId, value: repair.technicianId }] : []),
    ],
  };
}

export type StartOutcome =
  | { outcome: 'started' }
  /** Temporal answered, and repair-<id> does not exist. */
  | { outcome: 'not-started'; error: unknown }
  /** Temporal did not answer: the start may or may not have landed. */
  | { outcome: 'unknown'; error: unknown };

type TemporalDeps = Pick<UseCaseDeps, 'temporal'>;

/** true: it exists; false: Temporal says it does not; undefined: Temporal did not answer. */
async function workflowExists(deps: TemporalDeps, workflowId: string): Promise<boolean | undefined> {
  try {
    await bounded(deps, SETTLE_DEADLINE_MS, () => deps.temporal.client.workflow.getHandle(workflowId).describe());
    return true;
  } catch (err) {
    return err instanceof WorkflowNotFoundError ? false : undefined;
  }
}

async function tryStart(
  deps: TemporalDeps,
  options: RepairStartOptions,
  ms: number,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await bounded(deps, ms, () => deps.temporal.client.workflow.start<typeof repairWorkflow>('repairWorkflow', options));
    return { ok: true };
  } catch (error) {
    // REJECT_DUPLICATE and an id fresh from the sequence: whoever started it, it is this repair's.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ok: true };
    return { ok: false, error };
  }
}

/**
 * Starts repair-<id> and finds out whether it runs. A failed start is not taken at its word: a
 * call whose deadline expired (or whose connection dropped) after the server accepted it fails
 * here while the workflow runs. So a failure is followed by a describe. Not found, it is started
 * once more, which also settles a first start still in flight on the server (one of the two wins,
 * the other is refused as a duplicate); only when that fails too and a last describe finds
 * nothing is it "not started". Whenever Temporal does not answer, the outcome is "unknown".
 */
export async function startRepairWorkflow(deps: TemporalDeps, options: RepairStartOptions): Promise<StartOutcome> {
  const first = await tryStart(deps, options, WORKFLOW_CALL_DEADLINE_MS);
  if (first.ok) return { outcome: 'started' };
  const { error } = first;
  const seen = await workflowExists(deps, options.workflowId);
  if (seen === undefined) return { outcome: 'unknown', error };
  if (seen) return { outcome: 'started' };
  if ((await tryStart(deps, options, SETTLE_DEADLINE_MS)).ok) return { outcome: 'started' };
  const again = await workflowExists(deps, options.workflowId);
  if (again) return { outcome: 'started' };
  return { outcome: again === false ? 'not-started' : 'unknown', error };
}

/** Records, in the creating transaction, that this repair's workflow is not yet known to run. */
export async function markUnconfirmed(trx: Knex.Transaction, repairId: number): Promise<void> {
  await trx(UNCONFIRMED_STARTS).insert({ repair_id: repairId });
}

/**
 * The start is confirmed: drop the marker. False when the sweep has already undone the repair
 * (a request that stalled past UNCONFIRMED_AFTER_MS); the sweep's row lock makes this wait for it.
 */
export async function confirmStarted(deps: Pick<UseCaseDeps, 'db'>, repairId: number): Promise<boolean> {
  return (await deps.db.knex(UNCONFIRMED_STARTS).where('repair_id', repairId).del()) === 1;
}

/**
 * The sweep: undoes each repair whose start was never confirmed and whose creation request is
 * over (it answered 503, or its process died): terminates repair-<id> if the start did land, then
 * deletes the row (history and events go with it). Undone rather than started, because the
 * caller was told the creation failed and will have retried it; starting it now would make a
 * second repair. A repair stays marked while Temporal does not answer, for the next sweep.
 * Any number of processes may sweep at once: each repair is taken under a row lock.
 */
export async function undoUnconfirmedRepairs(
  deps: Pick<UseCaseDeps, 'db' | 'temporal'>,
  olderThanMs = UNCONFIRMED_AFTER_MS,
): Promise<{ undone: number[]; unresolved: number[] }> {
  const due = (await deps.db
    .knex(UNCONFIRMED_STARTS)
    .where('created_at', '<', new Date(Date.now() - olderThanMs))
    .orderBy('repair_id')
    .limit(100)
    .pluck('repair_id')) as number[];
  const undone: number[] = [];
  const unresolved: number[] = [];
  for (const repairId of due) {
    await deps.db.knex.transaction(async (trx) => {
      const mine: unknown = await trx(UNCONFIRMED_STARTS).where('repair_id', repairId).forUpdate().skipLocked().first();
      if (!mine) return; // confirmed meanwhile, or another process is on it
      try {
        await bounded(deps, SETTLE_DEADLINE_MS, () =>
          deps.temporal.client.workflow.getHandle(keys.repairWorkflow(repairId)).terminate('repair creation was answered with an error'),
        );
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) {
          unresolved.push(repairId);
          return;
        }
      }
      await trx('repairs').where('id', repairId).del();
      undone.push(repairId);
    });
    if (unresolved.length) break; // Temporal is not answering: the rest would only wait on it too
  }
  return { undone, unresolved };
}
