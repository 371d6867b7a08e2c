import { z } from 'zod';
import { batchId, denyBody, emptyBody } from '../../domain/repair-schemas';
import type { RepairRecord } from '../../domain/repair';
import { ApiError, forbidden, notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { performMove } from './moves';
import { repairSchema } from './schema';

const batchParams = z.object({ batchId });

/** A batch's denial carries one reason for all its repairs; an approval carries nothing. */
const batchBody = (move: 'approve' | 'deny'): z.ZodType<{ reason?: string }> => (move === 'deny' ? denyBody : emptyBody);

/** A batch decision moves every PENDING repair of the batch; each repair's workflow records its own move. */
const batchRoute = (move: 'approve' | 'deny'): AnyRoute =>
  defineRoute({
    method: 'post',
    path: `/repair-batches/:batchId/${move}`,
    tag: 'repairs',
    summary: `${move === 'approve' ? 'Approve' : 'Deny (reason of 10+ characters)'} every PENDING repair of a batch (the batch's customer, admin)`,
    access: ['customer', 'admin'],
    params: batchParams,
    body: batchBody(move),
    response: z.object({ items: z.array(repairSchema) }),
    errors: [404, 503],
    handler: async ({ params, body, user }, deps) => {
      const repairs = await deps.db.models.Repair.query().where('batchId', params.batchId).orderBy('id');
      const first = repairs[0];
      if (!first || (user.role === 'customer' && first.customerId !== user.customerId)) throw notFound('Batch');
      if (user.role === 'customer' && repairs.some((r) => r.customerId !== user.customerId)) throw forbidden();
      const items: RepairRecord[] = [];
      for (const repair of repairs.filter((r) => r.status === 'PENDING')) {
        try {
          items.push(
            await performMove(deps, user, repair, move, { batchId: params.batchId, ...(body.reason ? { reason: body.reason } : {}) }),
          );
        } catch (err) {
          // Decided meanwhile (another batch decision or a single move won the race): it is no longer
          // one of the batch's PENDING repairs, so it is skipped rather than failing the whole batch
          // half-way with a 409 after earlier repairs were already moved.
          if (err instanceof ApiError && err.code === 'INVALID_TRANSITION') continue;
          throw err;
        }
      }
      return { items };
    },
  });

export const batchRoutes: AnyRoute[] = [batchRoute('approve'), batchRoute('deny')];
