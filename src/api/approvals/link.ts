import type { Context } from 'koa';
import { deadLinkReason, type DeadLinkReason } from '../../domain/approval-links';
import type { RepairRecord } from '../../domain/repair';
import type { Repair } from '../../db/models';
import { findApprovalLink, type ApprovalLinkRow } from '../../db/queries/approval-links';
import { loginThrottle } from '../../db/queries/login-throttle';
import { hashResetToken } from '../../security/one-time';
import type { AppDeps, AuthUser } from '../context';
import { ApiError, notFound, tooManyRequests } from '../errors';
import { loadAuthUser } from '../middleware/auth';

export interface LiveLink {
  link: ApprovalLinkRow;
  repair: Repair;
  /** The customer user the link was sent to, as the API would load them: moves are made as them. */
  user: AuthUser;
}

const GONE: Record<DeadLinkReason, (repair: Repair) => string> = {
  used: () => 'This approval link has already been used',
  expired: () => 'This approval link has expired; approve or deny the repair in the portal',
  decided: (r) => `Repair #${r.id} is ${r.status}; this approval link no longer works`,
  user: () => 'This approval link no longer works for your account',
};

async function liveLink(deps: AppDeps, token: string): Promise<LiveLink> {
  const link = await findApprovalLink(deps.db.knex, hashResetToken(token));
  const repair = link && (await deps.db.models.Repair.query().findById(link.repairId));
  if (!link || !repair) throw notFound('Approval link');
  const user = await loadAuthUser(deps, link.userId);
  const userMayDecide = user !== null && user.role === 'customer' && user.customerId === repair.customerId;
  const dead = deadLinkReason({ usedAt: link.usedAt, expired: link.expired, repairStatus: repair.status, userMayDecide });
  if (dead !== null || user === null) throw new ApiError('GONE', GONE[dead ?? 'user'](repair));
  return { link, repair, user };
}

/**
 * The link behind a token, or 404 (unknown) / 410 (dead). Lookups that find no live link count
 * against the client address, as failed logins do (same limit, window and block, in PostgreSQL so
 * every API process agrees); a blocked address gets 429 on every approval route. Working links do
 * not count, so a fleet behind one carrier NAT is not stopped by its own approvals.
 */
export async function openLink(deps: AppDeps, ctx: Context, token: string): Promise<LiveLink> {
  const limits = deps.config.auth.login;
  const throttle = loginThrottle(deps.db.knex, limits);
  const rule = { key: `approval-address:${ctx.ip}`, maxFailures: limits.maxFailuresPerAddress };
  const wait = await throttle.blockedFor([rule.key]);
  if (wait > 0) throw tooManyRequests(wait, 'Too many approval-link requests that failed; try again later');
  try {
    return await liveLink(deps, token);
  } catch (err) {
    if (err instanceof ApiError) await throttle.recordFailure([rule]);
    throw err;
  }
}

type RepairFields = Pick<RepairRecord, 'id' | 'unitNumber' | 'description' | 'damageType' | 'estimatedCost' | 'status' | 'denialReason'>;

/** What the decision needs to show of the repair, and nothing of its staff or workflow. */
export const repairView = (r: RepairFields): RepairFields => ({
  id: r.id,
  unitNumber: r.unitNumber,
  description: r.description,
  damageType: r.damageType,
  estimatedCost: r.estimatedCost,
  status: r.status,
  denialReason: r.denialReason,
});
