import { z } from 'zod';
import { ROLES } from '../../domain/roles';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../../security/password';
import { ApiError } from '../errors';
import { loadAuthUser } from '../middleware/auth';
import { defineRoute } from '../route';

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
    errors: [401],
    response: z.object({ token: z.string(), expiresAt: z.iso.datetime(), user: authUserSchema }),
    handler: async ({ body }, deps) => {
      const found = await deps.db.models.User.query()
        .whereRaw('lower(username) = lower(?)', [body.username])
        .where('isActive', true)
        .first();
      // Hash even for unknown users so response time does not reveal which usernames exist.
      const ok = await verifyPassword(body.password, found?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!found || !ok) throw new ApiError('UNAUTHENTICATED', 'Invalid username or password');
      const user = await loadAuthUser(deps, found.id);
      if (!user) throw new ApiError('UNAUTHENTICATED', 'Invalid username or password');
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
];
