/**
 * One workflow per repair (`repair-<id>`): the database is the record, this orchestrates it.
 *
 * Invariants:
 * - Only this workflow writes a repair's status, technician and history, one move at a time. The
 *   moves (updates from the API, approve/deny signals from the Temporal UI), the dispatcher and
 *   every local activity run under one FIFO lock (`exclusively`); a move checks the state again
 *   once it holds the lock, so of two conflicting moves the second is refused (409), never both.
 * - Each move is one activity and one database transaction (status guarded by the expected
 *   current status, history row, the events it causes), keyed by its move id (`keys.move`): a
 *   retried activity finds its row and writes nothing twice.
 * - Events flow one way: a move's transaction records them; the same activity turns them into
 *   in-app notifications and returns delivery plans, which `deliver` sends from here (held by
 *   quiet hours or too many: handed to a workflow of their own). Events recorded by other
 *   activities (assignment, reminders) raise `undispatched` for the dispatcher. `eventWatermark`
 *   is the last event turned into notifications.
 * - Edits (description, damage type, unit) are not moves: they keep the status and are written by
 *   their own activity, keyed by `keys.edit`, under the same lock, so an edit never interleaves
 *   with a move; `UnitNumber` follows the unit.
 * - A signal has nobody to answer: refused or failed, it is logged and changes nothing; it never
 *   fails this workflow.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  TemporalFailure,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { RepairActivities } from '../activities';
import { editRefusal, type EditArgs } from '../domain/edits';
import { businessFailure, FAILURE } from '../domain/failures';
import { keys } from '../domain/keys';
import { isFinished, MOVES, nextStatus, type Move } from '../domain/lifecycle';
import type { MoveArgs } from '../domain/moves';
import type { DeliveryPlan } from '../domain/notifications/delivery';
import type { RepairRecord, RepairStatus } from '../domain/repair';
import type { ApprovalWait } from '../domain/repair-details';
import { parseSignalMove } from '../domain/signals';
import { deliverPlans } from './deliver';
import { narrator } from './narrate';
import { deliverNotificationsWorkflow } from './notification';
import { workflowLock } from './one-at-a-time';
import {
  approveSignal,
  denySignal,
  editUpdate,
  moveUpdates,
  SA,
  stateQuery,
  type RepairWorkflowInput,
  type RepairWorkflowState,
} from './definitions';

const retry = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' };

// A move's transaction is a normal activity: it is scheduled only once the update is accepted in
// a completed workflow task, so the move and its database write are durable together. As a local
// activity it could commit while the workflow task that held the update was lost (Temporal
// restarting), leaving the database a move ahead of the workflow (found by the fault suite).
// Its timeout is what a caller waits when a worker dies holding it (or a task handed to a stopping
// worker's poll is lost): short, so the retry answers within the API's wait (MOVE_DEADLINE_MS),
// and safe, since a retry of a slow but live attempt waits on the repair's row lock, then finds
// the move already written.
// An edit's transaction is one too, for the same reasons.
const { recordMove, recordEdit } = proxyActivities<RepairActivities>({ startToCloseTimeout: '10 seconds', retry });

// The others are keyed by the workflow and safe to run again when a lost workflow task is replayed,
// so they run as local activities inside the workflow task that needs them (no round trip).
const { assignTechnician, recordRepairEvent, dispatchRepairEvents } = proxyLocalActivities<RepairActivities>({
  startToCloseTimeout: '30 seconds',
  retry,
});

const invalid = (move: Move, status: string) =>
  ApplicationFailure.nonRetryable(`cannot ${move} a repair that is ${status}`, FAILURE.INVALID_TRANSITION);

/** From this patch on, a move upserts only the search attributes whose values it changed. */
export const SEARCH_ATTRIBUTES_CHANGED_ONLY_PATCH = 'search-attributes-changed-only';

export async function repairWorkflow(input: RepairWorkflowInput): Promise<RepairWorkflowState> {
  const { workflowId } = workflowInfo();
  const state: RepairWorkflowState = {
    repairId: input.repairId,
    status: input.status,
    technicianId: input.technicianId,
    moves: 0,
    edits: 0,
    eventWatermark: 0,
  };
  setHandler(stateQuery, () => state);
  const explain = narrator(input, state);

  // Histories started before the exclusive lock replay with the gate they ran with.
  const { lock: exclusively, exclusive } = workflowLock();

  // --- Deliveries -------------------------------------------------------------------------------
  const deliveries: Promise<unknown>[] = [];
  const deliver = (plans: DeliveryPlan[], watermark: number) => {
    if (plans.length === 0) return;
    // Quiet hours' waits may end after COMPLETED, and a large fleet's sends would swell this
    // history: both go to a workflow of their own, which may outlive this one.
    const handOff = async (held: DeliveryPlan[]) => {
      try {
        await startChild(deliverNotificationsWorkflow, {
          workflowId: keys.deliveryHandOff(workflowId, watermark),
          args: [{ plans: held, ...input.delivery }],
          staticSummary: `${held.length} deliveries of repair #${input.repairId} (${input.unitNumber})`,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        // Already handed off (started before a reset of this history): nothing to do.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    };
    const large = input.deliveryInlineMax !== undefined && plans.length > input.deliveryInlineMax;
    const delivery = large ? handOff(plans) : deliverPlans(plans, { options: input.delivery, serially: exclusively, handOff });
    // Awaited at the end; handled now, so a failure fails the workflow there rather than surfacing
    // early as an unhandled rejection (which would fail workflow tasks over and over).
    delivery.catch(() => undefined);
    deliveries.push(delivery);
  };

  // --- The dispatcher: events recorded outside a move (creation, assignment, reminders) -----------
  let undispatched = true; // the events recorded when the repair was created
  let finished = false;
  const dispatcher = (async () => {
    for (;;) {
      await condition(() => undispatched || finished);
      if (!undispatched) return;
      undispatched = false;
      const { plans, watermark } = await exclusively(() =>
        dispatchRepairEvents.executeWithOptions({ summary: 'notify of new events' }, [input.repairId, state.eventWatermark]),
      );
      state.eventWatermark = watermark;
      deliver(plans, watermark);
    }
  })();

  // --- Moves ------------------------------------------------------------------------------------
  // Where the move being recorded leads. Its transaction commits before the workflow hears back
  // (a worker killed in between leaves the answer to the activity's retry), so a caller who read
  // the new status from the database may already send the next move: it waits for its turn
  // rather than being refused by a state that is about to change.
  let inFlight: RepairStatus | null = null;

  function applyMove(move: Move, args: MoveArgs): Promise<RepairRecord> {
    return exclusively(async () => {
      const to = nextStatus(move, state.status);
      if (to === null) throw invalid(move, state.status);
      const moveId = keys.move(workflowId, ++state.moves, move);
      inFlight = to;
      const { record, plans, watermark } = await recordMove
        .executeWithOptions({ summary: `record ${move}` }, [
          { repairId: input.repairId, moveId, move, from: state.status, to, ...args },
          state.eventWatermark,
        ])
        .finally(() => (inFlight = null));
      state.eventWatermark = watermark;
      deliver(plans, watermark);
      const technicianChanged = record.technicianId !== state.technicianId;
      // An assign keeps the status: histories from before the patch upserted it all the same.
      const statusChanged = record.status !== state.status || !patched(SEARCH_ATTRIBUTES_CHANGED_ONLY_PATCH);
      state.status = record.status;
      state.technicianId = record.technicianId;
      explain();
      const changed = [
        ...(statusChanged ? [{ key: SA.RepairStatus, value: record.status }] : []),
        ...(technicianChanged && record.technicianId !== null ? [{ key: SA.TechnicianId, value: record.technicianId }] : []),
      ];
      if (changed.length > 0) upsertSearchAttributes(changed);
      return record;
    });
  }

  for (const move of MOVES) {
    setHandler(moveUpdates[move], (args) => applyMove(move, args), {
      // Rejected before anything is written or recorded in history: the API answers 409.
      validator: (args: MoveArgs) => {
        if (nextStatus(move, state.status) === null && (inFlight === null || nextStatus(move, inFlight) === null)) {
          throw invalid(move, state.status);
        }
        if (move === 'assign' && args.technicianId === undefined) {
          throw ApplicationFailure.nonRetryable('assign needs a technicianId', FAILURE.INVALID_TECHNICIAN);
        }
      },
    });
  }

  // --- Edits -------------------------------------------------------------------------------------
  // Adding this handler issues no command, so histories recorded before edits replay unchanged.
  const refuseEdit = (args: EditArgs) => {
    const refusal = editRefusal(args.actor.role, state.status);
    if (refusal !== null) throw ApplicationFailure.nonRetryable(refusal, FAILURE.INVALID_TRANSITION);
  };
  setHandler(
    editUpdate,
    (args) =>
      exclusively(async () => {
        // Checked again with the lock held: a move that got in first may have finished the repair.
        refuseEdit(args);
        state.edits = (state.edits ?? 0) + 1;
        const editId = keys.edit(workflowId, state.edits);
        const { record, changes } = await recordEdit.executeWithOptions({ summary: 'record edit' }, [
          { ...args, repairId: input.repairId, editId, status: state.status },
        ]);
        if (changes.unitNumber) upsertSearchAttributes([{ key: SA.UnitNumber, value: record.unitNumber }]);
        return record;
      }),
    // Rejected before anything is written or recorded in history: the API answers 409.
    { validator: refuseEdit },
  );

  // Only a bug (not a Temporal failure) escapes a signal, to fail the task until it is fixed.
  const fromSignal = (move: 'approve' | 'deny') => async (raw?: unknown) => {
    const parsed = parseSignalMove(move, raw);
    if ('problem' in parsed) {
      log.warn(`signal ${move} refused`, { reason: parsed.problem });
      return;
    }
    try {
      await applyMove(move, { actor: { userId: parsed.byUserId, role: 'admin' }, reason: parsed.reason });
    } catch (err) {
      if (!(err instanceof TemporalFailure)) throw err;
      const refused = businessFailure(err);
      log.warn(`signal ${move} ${refused ? 'refused' : 'failed'}`, { reason: refused?.message ?? err.message });
    }
  };
  setHandler(approveSignal, fromSignal('approve'));
  setHandler(denySignal, fromSignal('deny'));

  // --- The status loop --------------------------------------------------------------------------
  /** The least-loaded active technician, if anyone is active (a move may have named one meanwhile). */
  async function autoAssign(askEvenIfAssigned = false): Promise<void> {
    const chosen = await exclusively(() =>
      askEvenIfAssigned || state.technicianId === null
        ? assignTechnician.executeWithOptions({ summary: 'choose a technician' }, [input.repairId, keys.autoAssign(workflowId)])
        : Promise.resolve(state.technicianId),
    );
    if (chosen !== null && state.technicianId === null) {
      state.technicianId = chosen;
      explain();
      undispatched = true;
      upsertSearchAttributes([{ key: SA.TechnicianId, value: chosen }]);
    }
  }

  // An admin's field find without a named technician. (Workflows from before the exclusive lock
  // asked even when a move had assigned someone first; they replay that way.)
  if (state.status === 'PENDING' && state.technicianId === null) await autoAssign(!exclusive);

  let pendingRounds = 0;
  while (!isFinished(state.status)) {
    if (state.status === 'REQUESTED' && state.technicianId === null) {
      // Waits, never fails: ask again after a while, or sooner if an admin assigns someone.
      explain({ for: 'assignment', retryAt: null });
      await autoAssign();
      if (state.technicianId === null) {
        explain({ for: 'assignment', retryAt: new Date().getTime() + input.assignmentRetryMs });
        const assigned = () => state.technicianId !== null || state.status !== 'REQUESTED';
        await condition(assigned, input.assignmentRetryMs, { summary: 'ask again for a technician' });
      }
    } else if (state.status === 'PENDING') {
      // Remind the customer after a while, then escalate to admins, once each per PENDING stretch.
      const round = ++pendingRounds;
      const decided = () => state.status !== 'PENDING';
      const rest = Math.max(1, input.approvalEscalationMs - input.approvalReminderMs);
      const reminderAt = new Date().getTime() + input.approvalReminderMs;
      let wait: ApprovalWait = { for: 'approval', reminderAt, escalationAt: reminderAt + rest };
      explain(wait);
      if (!(await condition(decided, input.approvalReminderMs, { summary: 'approval reminder' }))) {
        await exclusively(() =>
          recordRepairEvent.executeWithOptions({ summary: 'record approval reminder' }, [
            { repairId: input.repairId, type: 'approval_reminder', dedupeKey: keys.pendingReminder(workflowId, round) },
          ]),
        );
        undispatched = true;
        if (!decided()) explain((wait = { ...wait, remindedAt: new Date().getTime(), escalationAt: new Date().getTime() + rest }));
        if (!(await condition(decided, rest, { summary: 'approval escalation' }))) {
          await exclusively(() =>
            recordRepairEvent.executeWithOptions({ summary: 'record approval escalation' }, [
              { repairId: input.repairId, type: 'approval_escalation', dedupeKey: keys.pendingEscalation(workflowId, round) },
            ]),
          );
          undispatched = true;
          if (!decided()) explain({ ...wait, escalatedAt: new Date().getTime() });
          await condition(decided);
        }
      }
    } else {
      const status = state.status;
      await condition(() => state.status !== status);
    }
  }
  // Let an update that just finished deliver its answer, and the last events their deliveries.
  await condition(allHandlersFinished);
  finished = true;
  await dispatcher;
  await Promise.all(deliveries);
  return state;
}
