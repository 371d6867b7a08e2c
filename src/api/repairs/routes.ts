import { z } from 'zod';
import { MOVES, type Move } from '../../domain/lifecycle';
import type { MoveFields } from '../../domain/moves';
import { assignBody, customerCreateBody, denyBody, emptyBody, staffCreateBody, submitBody } from '../../domain/repair-schemas';
import type { Role } from '../../domain/roles';
import { createCustomerRepair, createStaffRepair } from '../../use-cases/create-repair';
import { idParam } from '../common/schemas';
import { photoCountsOf, presentRepairDetail } from '../photos/present';
import { defineRoute, parseRequest, type AnyRoute } from '../route';
import { countVisibleRepairs, repairListQuery, visibleRepairs } from './list-query';
import { performMove, visibleRepair } from './moves';
import { createRepairBody, historyEntry, repairDetail, repairListItem, repairSchema } from './schema';
import { completeBody } from '../../domain/work-order-schemas';
import { editEntry, repairEdits } from './edit';

const ALL = ['customer', 'technician', 'admin'] as const;

// Each body's schema parses into the move's fields, so the handler passes them on as they are.
const MOVE_ROUTES: Record<Move, { summary: string; body: z.ZodType<MoveFields>; access: readonly Role[] }> = {
  submit: {
    summary: 'REQUESTED → PENDING (assigned technician, admin); optional estimatedCost and notes',
    body: submitBody,
    access: ['technician', 'admin'],
  },
  approve: { summary: "PENDING → APPROVED (a user of the repair's customer, admin)", body: emptyBody, access: ['customer', 'admin'] },
  deny: {
    summary: "PENDING → DENIED with a reason of 10+ characters (a user of the repair's customer, admin)",
    body: denyBody,
    access: ['customer', 'admin'],
  },
  start: { summary: 'APPROVED → IN_PROGRESS (assigned technician, admin)', body: emptyBody, access: ['technician', 'admin'] },
  complete: {
    summary:
      'IN_PROGRESS → COMPLETED; prices the repair and applies the oldest pending reward (assigned technician, admin); optional notes (completionNotes)',
    body: completeBody,
    access: ['technician', 'admin'],
  },
  assign: { summary: 'Set or change the technician of a repair that is not finished (admin)', body: assignBody, access: ['admin'] },
};

const moveRoutes: AnyRoute[] = MOVES.map((move) =>
  defineRoute({
    method: 'post',
    path: `/repairs/:id/${move}`,
    tag: 'repairs',
    summary: MOVE_ROUTES[move].summary,
    access: MOVE_ROUTES[move].access,
    params: idParam,
    body: MOVE_ROUTES[move].body,
    response: repairSchema,
    errors: [404, 409, 503],
    handler: async ({ params, body, user }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      return performMove(deps, user, repair, move, body);
    },
  }),
);

export const repairRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/repairs',
    tag: 'repairs',
    summary:
      'Create a repair and start its workflow. Customers send {unitNumber, description, damageType?} (starts REQUESTED); ' +
      'technicians and admins also send customerId, estimatedCost?, batchId? and (admin) technicianId? (starts PENDING)',
    access: ALL,
    documentedBody: createRepairBody,
    status: 201,
    response: repairSchema,
    errors: [409, 503],
    // The schema depends on the caller's role, so the body is parsed here rather than by the route.
    handler: async ({ ctx, user }, deps) =>
      user.role === 'customer'
        ? createCustomerRepair(deps, user, parseRequest(customerCreateBody, ctx.request.body ?? {}, 'body'))
        : createStaffRepair(deps, user, parseRequest(staffCreateBody, ctx.request.body ?? {}, 'body')),
  }),
  defineRoute({
    method: 'get',
    path: '/repairs',
    tag: 'repairs',
    summary:
      "Repairs the caller may see: a customer's own; for technicians every REQUESTED one plus their own (assignedToMe); all for admins. " +
      'The filters narrow what the caller may see, never widen it',
    access: ALL,
    query: repairListQuery,
    response: z.object({ items: z.array(repairListItem), page: z.number(), pageSize: z.number(), total: z.number() }),
    handler: async ({ query, user }, { db }) => {
      const [results, total] = await Promise.all([
        visibleRepairs(db.models.Repair.query(), user, query)
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        countVisibleRepairs(db.models.Repair, user, query),
      ]);
      const photoCount = await photoCountsOf(db, results);
      const items = results.map((r) => ({
        ...r.toRecord(),
        photoCount: photoCount(r.id),
        ...(user.role === 'technician' ? { assignedToMe: r.technicianId !== null && r.technicianId === user.technicianId } : {}),
      }));
      return { items, page: query.page, pageSize: query.pageSize, total };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/repairs/:id',
    tag: 'repairs',
    summary: 'One repair (404 when the caller may not see it)',
    access: ALL,
    params: idParam,
    response: repairDetail,
    errors: [404],
    handler: async ({ params, user }, deps) => presentRepairDetail(deps.db, await visibleRepair(deps, user, params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/repairs/:id/history',
    tag: 'repairs',
    summary:
      'The moves of a repair, oldest first: who, when, from, to, reason (`items`, a chain of the state machine); ' +
      'its edits of description, damage type and unit, oldest first (`edits`)',
    access: ALL,
    params: idParam,
    response: z.object({ items: z.array(historyEntry), edits: z.array(editEntry) }),
    errors: [404],
    handler: async ({ params, user }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      const rows = await deps.db.models.RepairHistory.query().where('repairId', repair.id).orderBy('id');
      return {
        items: rows.map((h) => ({
          from: h.fromStatus,
          to: h.toStatus,
          move: h.move,
          byUserId: h.byUserId,
          role: h.role,
          at: h.at.toISOString(),
          technicianId: h.technicianId,
          ...(h.reason ? { reason: h.reason } : {}),
          ...(h.notes ? { notes: h.notes } : {}),
        })),
        edits: await repairEdits(deps.db, repair.id),
      };
    },
  }),
  ...moveRoutes,
];
