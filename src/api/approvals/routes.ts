import { z } from 'zod';
import type { Context } from 'koa';
import type { Move } from '../../domain/lifecycle';
import type { MoveFields } from '../../domain/moves';
import { REPAIR_STATUSES } from '../../domain/repair';
import { denyBody, emptyBody } from '../../domain/repair-schemas';
import { markApprovalLinkUsed } from '../../db/queries/approval-links';
import type { AppDeps } from '../context';
import { performMove } from '../repairs/moves';
import { defineRoute, type AnyRoute } from '../route';
import { openLink, repairView } from './link';
import { approvalPhotos, photoThumb, sendApprovalThumb } from './photos';
import { recordIdText } from '../../domain/ids';

const tokenParams = z.object({ token: z.string().min(1, 'is required').max(200, 'must be at most 200 characters') });

const repairOut = z.object({
  id: z.number().int(),
  unitNumber: z.string(),
  description: z.string(),
  damageType: z.string().nullable(),
  estimatedCost: z.number().nullable(),
  status: z.enum(REPAIR_STATUSES),
  denialReason: z.string().nullable(),
});

const DEAD = 'Unknown or forged token: 404. Used, expired, or the repair no longer PENDING: 410';

/**
 * The move, as the link's customer user, through the same workflow update as the portal's (so a
 * link and a portal racing on one repair get one winner and a 409). The link is marked used only
 * once the move took effect; a refused move leaves it unmarked, and the repair having left
 * PENDING kills it anyway.
 */
async function decide(deps: AppDeps, ctx: Context, token: string, move: Move, fields: MoveFields) {
  const { link, repair, user } = await openLink(deps, ctx, token);
  const record = await performMove(deps, user, repair, move, fields);
  try {
    await markApprovalLinkUsed(deps.db.knex, link.id);
  } catch (err) {
    // The move is made and the repair is no longer PENDING, which already kills the link.
    ctx.state.log.warn({ err, approvalLinkId: link.id }, 'approval link not marked used');
  }
  return { repair: repairView(record) };
}

export const approvalRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/approvals/:token',
    tag: 'approvals',
    summary: `What an approve-from-the-message link asks to decide: the repair, its customer, photo thumbnails (no login). ${DEAD}`,
    access: 'public',
    params: tokenParams,
    response: z.object({
      repair: repairOut,
      customer: z.object({ name: z.string() }),
      user: z.object({ username: z.string() }),
      expiresAt: z.iso.datetime(),
      photos: z.array(photoThumb),
    }),
    errors: [404, 410, 429],
    handler: async ({ params, ctx }, deps) => {
      const { link, repair, user } = await openLink(deps, ctx, params.token);
      const customer = await deps.db.models.Customer.query().findById(repair.customerId);
      return {
        repair: repairView(repair),
        customer: { name: customer?.name ?? '' },
        user: { username: user.username },
        expiresAt: link.expiresAt.toISOString(),
        photos: await approvalPhotos(deps.db, repair.id, params.token),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/approvals/:token/photos/:photoId',
    tag: 'approvals',
    summary: `A thumbnail of the link's repair (no login), as listed by GET /api/approvals/:token. ${DEAD}`,
    access: 'public',
    params: tokenParams.extend({ photoId: recordIdText }),
    produces: 'image/*',
    errors: [404, 410, 429],
    handler: async ({ params, ctx }, deps) => {
      const { repair } = await openLink(deps, ctx, params.token);
      return sendApprovalThumb(deps.db, deps.photoStorage, ctx, repair.id, params.photoId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/approvals/:token/approve',
    tag: 'approvals',
    summary: `PENDING → APPROVED as the customer user the link was sent to (no login); the link is then used up. ${DEAD}; 409 when another move won`,
    access: 'public',
    params: tokenParams,
    body: emptyBody,
    response: z.object({ repair: repairOut }),
    errors: [404, 409, 410, 429, 503],
    handler: async ({ params, body, ctx }, deps) => decide(deps, ctx, params.token, 'approve', body),
  }),
  defineRoute({
    method: 'post',
    path: '/approvals/:token/deny',
    tag: 'approvals',
    summary: `PENDING → DENIED with a reason of 10+ characters, as the link's customer user (no login). ${DEAD}; 409 when another move won`,
    access: 'public',
    params: tokenParams,
    body: denyBody,
    response: z.object({ repair: repairOut }),
    errors: [404, 409, 410, 429, 503],
    handler: async ({ params, body, ctx }, deps) => decide(deps, ctx, params.token, 'deny', body),
  }),
];
