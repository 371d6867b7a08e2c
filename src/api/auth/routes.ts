import { z } from 'zod';
import { ROLES } from '../../domain/roles';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../../security/password';
import { loginThrottle } from '../../db/queries/login-throttle';
import { endSessions } from '../../db/queries/sessions';
import { ApiError, tooManyRequests } from '../errors';
import { loadAuthUser } from '../middleware/auth';
import { defineRoute, reply } from '../route';

const loginBody = z.object({
  username: z.string().trim().min(1, 'is required').max(150),
  password: z.string().min(1, 'is required').max(256),
});

export const authUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(ROLES),
  customerId: z.number().int().optional(),
  technicianId: z.number().int().optional(),
});

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Exchange username and password for a bearer token',
    access: 'public',
    body: loginBody,
    errors: [401, 429],
    response: z.object({ token: z.string(), expiresAt: z.iso.datetime(), user: authUserSchema }),
    handler: async ({ body, ctx }, deps) => {
      const throttle = loginThrottle(deps.db.knex, deps.config.auth.login);
      const { login } = deps.config.auth;
      // Unknown usernames are counted too, so a block says nothing about which accounts exist.
      const accountKey = `account:${body.username.toLowerCase()}`;
      const rules = [
        { key: accountKey, maxFailures: login.maxFailuresPerAccount },
        { key: `address:${ctx.ip}`, maxFailures: login.maxFailuresPerAddress },
      ];
      const wait = await throttle.blockedFor(rules.map((r) => r.key));
      if (wait > 0) throw tooManyRequests(wait, 'Too many failed logins; try again later');
      const found = await deps.db.models.User.query()
        .whereRaw('lower(username) = lower(?)', [body.username])
        .where('isActive', true)
        .first();
      // Hash even for unknown users so response time does not reveal which usernames exist.
      const ok = await verifyPassword(body.password, found?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      const user = found && ok ? await loadAuthUser(deps, found.id) : null;
      if (!user) {
        await throttle.recordFailure(rules);
        throw new ApiError('UNAUTHENTICATED', 'Invalid username or password');
      }
      await throttle.reset(accountKey);
      const { token, expiresAt } = await deps.tokens.issue(user.id, user.role, user.sessionVersion);
      return {
        token,
        expiresAt: expiresAt.toISOString(),
        user: {
          id: user.id,
          username: user.username,
          role: user.role,
          ...(user.customerId !== null ? { customerId: user.customerId } : {}),
          ...(user.technicianId !== null ? { technicianId: user.technicianId } : {}),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout-all',
    tag: 'auth',
    summary: 'Ends every session of the caller, this one included (every token issued so far is refused)',
    access: ['customer', 'technician', 'admin'],
    status: 204,
    handler: async ({ user }, { db }) => {
      await endSessions(db.knex, user.id);
      return reply(204, undefined);
    },
  }),
];
