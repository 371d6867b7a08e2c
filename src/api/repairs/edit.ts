import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { editRefusal, mayEdit, type FieldChanges, type RepairChanges } from '../../domain/edits';
import { businessFailure, FAILURE } from '../../domain/failures';
import { REPAIR_STATUSES, type RepairRecord } from '../../domain/repair';
import { editBody } from '../../domain/work-order-schemas';
import type { Db } from '../../db';
import type { Repair } from '../../db/models';
import { editUpdate } from '../../workflows/definitions';
import { idParam } from '../common/schemas';
import type { AppDeps, AuthUser } from '../context';
import { ApiError, forbidden } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { MOVE_DEADLINE_MS, visibleRepair } from './moves';
import { repairSchema } from './schema';

const change = z.object({ from: z.string().nullable(), to: z.string() });

/** One edit as `GET /repairs/:id/history` lists it (under `edits`, apart from the chain of moves). */
export const editEntry = z.object({
  byUserId: z.number().int().nullable(),
  role: z.enum(['customer', 'technician', 'admin']),
  at: z.iso.datetime(),
  /** The status the repair was in (an edit keeps it). */
  status: z.enum(REPAIR_STATUSES),
  changes: z.object({ description: change.optional(), damageType: change.optional(), unitNumber: change.optional() }),
});

/** A repair's edits, oldest first. */
export async function repairEdits(db: Db, repairId: number): Promise<z.output<typeof editEntry>[]> {
  const rows = await db
    .knex('repair_edits')
    .where('repairId', repairId)
    .orderBy('id')
    .select<{ byUserId: number | null; role: AuthUser['role']; at: Date; status: Repair['status']; changes: FieldChanges }[]>(
      'byUserId',
      'role',
      'at',
      'status',
      'changes',
    );
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** Refused in the update's validator or by the database's guard: the caller's 409, never a 5xx. */
function toApiError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return new ApiError('INVALID_TRANSITION', 'cannot edit a repair whose workflow has finished');
  const refused = err instanceof WorkflowUpdateFailedError ? businessFailure(err) : undefined;
  if (refused?.type === FAILURE.INVALID_TRANSITION) return new ApiError('INVALID_TRANSITION', refused.message);
  return err;
}

/**
 * Sends an edit through the repair's workflow (the `edit` update), so it runs under the lock of
 * the repair's moves and `UnitNumber` follows. Who may edit is checked here, as for moves; when
 * (the status) here for a quick answer and again by the workflow, which holds the truth.
 */
export async function editRepair(deps: AppDeps, user: AuthUser, repair: Repair, changes: RepairChanges): Promise<RepairRecord> {
  if (!mayEdit({ ...user, userId: user.id }, repair)) throw forbidden(`A ${user.role} may not edit this repair`);
  const refusal = editRefusal(user.role, repair.status);
  if (refusal !== null) throw new ApiError('INVALID_TRANSITION', refusal);
  const handle = deps.temporal.client.workflow.getHandle(repair.workflowId);
  try {
    return await deps.temporal.connection.withDeadline(Date.now() + MOVE_DEADLINE_MS, () =>
      handle.executeUpdate(editUpdate, { args: [{ actor: { userId: user.id, role: user.role }, changes }] }),
    );
  } catch (err) {
    throw toApiError(err);
  }
}

export const repairEditRoutes: AnyRoute[] = [
  defineRoute({
    method: 'patch',
    path: '/repairs/:id',
    tag: 'repairs',
    summary:
      "Edit description, damageType and/or unitNumber through the repair's workflow: the customer's users while REQUESTED, " +
      'the assigned technician and admins until COMPLETED or DENIED (409 after). Listed under `edits` in the history; UnitNumber follows',
    access: ['customer', 'technician', 'admin'],
    params: idParam,
    body: editBody,
    response: repairSchema,
    errors: [404, 409, 503],
    handler: async ({ params, body, user }, deps) => editRepair(deps, user, await visibleRepair(deps, user, params.id), body),
  }),
];
