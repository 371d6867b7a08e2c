import type { Middleware } from 'koa';
import type { Role } from '../../domain/roles';
import type { AppDeps, AuthUser } from '../context';
import { ApiError } from '../errors';

/** Loads the caller with their customer and technician links in one query. */
export async function loadAuthUser(deps: AppDeps, userId: number): Promise<AuthUser | null> {
  const row = await deps.db
    .knex('users as u')
    .leftJoin('customer_users as cu', 'cu.user_id', 'u.id')
    .leftJoin('technicians as t', 't.user_id', 'u.id')
    .where('u.id', userId)
    .andWhere('u.is_active', true)
    .first<
      | { id: number; username: string; role: Role; customerId: number | null; technicianId: number | null; sessionVersion: number }
      | undefined
    >({
      id: 'u.id',
      sessionVersion: 'u.session_version',
      username: 'u.username',
      role: 'u.role',
      customerId: 'cu.customer_id',
      technicianId: 't.id',
    });
  if (!row) return null;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    customerId: row.customerId ?? null,
    technicianId: row.technicianId ?? null,
    sessionVersion: row.sessionVersion,
  };
}

export function authenticate(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match) throw new ApiError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
    const claims = await deps.tokens.verify(match[1] as string);
    if (claims === null) throw new ApiError('UNAUTHENTICATED', 'The token is invalid or has expired');
    const user = await loadAuthUser(deps, claims.userId);
    if (!user) throw new ApiError('UNAUTHENTICATED', 'The account no longer exists or is disabled');
    // The user's sessions were ended (password change or reset, deactivation, log out everywhere).
    if (user.sessionVersion !== claims.sessionVersion) throw new ApiError('UNAUTHENTICATED', 'This session has ended; log in again');
    ctx.state.user = user;
    await next();
  };
}

export function requireRole(roles: readonly Role[]): Middleware {
  return async (ctx, next) => {
    const user = ctx.state.user;
    if (!user || !roles.includes(user.role)) {
      throw new ApiError('FORBIDDEN', `This route is for: ${roles.join(', ')}`);
    }
    await next();
  };
}
