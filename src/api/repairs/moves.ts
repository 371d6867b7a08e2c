import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { businessFailure, FAILURE } from '../../domain/failures';
import { judgeMove, type Move } from '../../domain/lifecycle';
import type { MoveFields } from '../../domain/moves';
import { canSeeRepair, type RepairRecord } from '../../domain/repair';
import type { Repair } from '../../db/models';
import { isAssignable } from '../../db/queries/technician-load';
import { moveUpdates } from '../../workflows/definitions';
import type { AppDeps, AuthUser } from '../context';
import { ApiError, forbidden, notFound, validationFailed } from '../errors';

/**
 * How long a move may wait for its answer: past Temporal's workflow task timeout (10 s), so a task
 * lost with a worker that stopped mid-poll is handed to another worker and answered within it
 * instead of a 503 (found by the concurrency property's worker restarts).
 */
export const MOVE_DEADLINE_MS = 15_000;

/** The repair if the caller may see it; 404 otherwise (a repair you may not see does not exist for you). */
export async function visibleRepair(deps: AppDeps, user: AuthUser, id: number): Promise<Repair> {
  const repair = await deps.db.models.Repair.query().findById(id);
  if (!repair || !canSeeRepair(user, repair)) throw notFound('Repair');
  return repair;
}

/**
 * A refused move is the caller's answer (409, or 400 for a technician who cannot take the work),
 * wherever its failure sits: the update's validator, or the move's activity (the database's guard)
 * wrapped in an ActivityFailure. Anything else stays an error for the error handler (503 for
 * Temporal being unreachable, 500 otherwise).
 */
function toApiError(err: unknown, move: Move): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new ApiError('INVALID_TRANSITION', `cannot ${move} a repair whose workflow has finished`);
  }
  const refused = err instanceof WorkflowUpdateFailedError ? businessFailure(err) : undefined;
  if (refused?.type === FAILURE.INVALID_TRANSITION) return new ApiError('INVALID_TRANSITION', refused.message);
  if (refused?.type === FAILURE.INVALID_TECHNICIAN) return validationFailed({ technicianId: refused.message });
  return err;
}

/**
 * Runs a move through the repair's workflow (a Temporal update) and answers with the repair once
 * the move is recorded. Permission is checked here (the workflow trusts its callers); the state
 * machine is checked by the workflow, which is the single writer of the repair's status.
 */
export async function performMove(deps: AppDeps, user: AuthUser, repair: Repair, move: Move, args: MoveFields): Promise<RepairRecord> {
  const verdict = judgeMove(move, { ...user, userId: user.id }, repair);
  if (!verdict.ok && verdict.reason === 'FORBIDDEN') throw forbidden(`A ${user.role} may not ${move} this repair`);
  if (!verdict.ok) throw new ApiError('INVALID_TRANSITION', `cannot ${move} a repair that is ${repair.status}`);
  if (move === 'assign' && args.technicianId !== undefined) {
    if (!(await isAssignable(deps.db.knex, args.technicianId))) {
      throw validationFailed({ technicianId: `no active technician ${args.technicianId}` });
    }
  }
  const handle = deps.temporal.client.workflow.getHandle(repair.workflowId);
  try {
    return await deps.temporal.connection.withDeadline(Date.now() + MOVE_DEADLINE_MS, () =>
      handle.executeUpdate(moveUpdates[move], { args: [{ ...args, actor: { userId: user.id, role: user.role } }] }),
    );
  } catch (err) {
    throw toApiError(err, move);
  }
}
