import { z } from 'zod';
import type { User } from '../../db/models';
import { loginThrottle } from '../../db/queries/login-throttle';
import { endSessions } from '../../db/queries/sessions';
import { isValidTimeZone } from '../../domain/notifications/quiet-hours';
import { hashPassword, verifyPassword } from '../../security/password';
import { e164, email, newPassword } from '../common/schemas';
import type { AuthUser } from '../context';
import { notFound, tooManyRequests, validationFailed } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { userSchema } from '../users/schema';

const SELF = ['customer', 'technician', 'admin'] as const;

// The directory's user, less what only an admin manages, plus the caller's own time zone.
export const profileSchema = userSchema.omit({ isActive: true, createdAt: true }).extend({ timezone: z.string().nullable() });

const patchMeBody = z
  .strictObject({
    email: email.nullable().optional(),
    phone: e164.nullable().optional(),
    timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/Chicago').nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one of email, phone, timezone');

const changePasswordBody = z.object({
  currentPassword: z.string().min(1, 'is required').max(256),
  newPassword,
});

const present = (u: User, who: AuthUser): z.infer<typeof profileSchema> => ({
  id: u.id,
  username: u.username,
  role: u.role,
  email: u.email,
  phone: u.phone,
  // An address that is not there is not verified, whatever the column says.
  emailVerified: u.email !== null && u.emailVerified,
  phoneVerified: u.phone !== null && u.phoneVerified,
  timezone: u.timezone,
  customerId: who.customerId,
  technicianId: who.technicianId,
});

export const meRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/me',
    tag: 'me',
    summary: "The caller's profile: addresses and whether each is verified (only verified addresses get email/SMS), time zone",
    access: SELF,
    response: profileSchema,
    handler: async ({ user }, { db }) => {
      const row = await db.models.User.query().findById(user.id);
      if (!row) throw notFound('User');
      return present(row, user);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/me',
    tag: 'me',
    summary:
      'Changes the caller’s email, phone or time zone (null clears); a changed address is unverified until confirmed with POST /api/me/verifications',
    access: SELF,
    body: patchMeBody,
    response: profileSchema,
    handler: async ({ body, user }, { db }) =>
      db.knex.transaction(async (trx) => {
        const row = await db.models.User.query(trx).findById(user.id).forUpdate();
        if (!row) throw notFound('User');
        const patch: Partial<Pick<User, 'email' | 'phone' | 'timezone' | 'emailVerified' | 'phoneVerified'>> = {};
        // Setting the same address again keeps its verification; anything else must be proven anew.
        if (body.email !== undefined && body.email !== row.email) Object.assign(patch, { email: body.email, emailVerified: false });
        if (body.phone !== undefined && body.phone !== row.phone) Object.assign(patch, { phone: body.phone, phoneVerified: false });
        if (body.timezone !== undefined) patch.timezone = body.timezone;
        const updated = Object.keys(patch).length ? await row.$query(trx).patchAndFetch(patch) : row;
        return present(updated, user);
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/me/password',
    tag: 'me',
    summary: "Changes the caller's password; every other session of theirs ends, and this one continues with the token returned",
    access: SELF,
    body: changePasswordBody,
    response: z.object({ token: z.string(), expiresAt: z.iso.datetime() }),
    errors: [429],
    handler: async ({ body, user }, { db, tokens, config }) => {
      // Guessing the current password from a stolen session counts against the account like failed logins.
      const throttle = loginThrottle(db.knex, config.auth.login);
      const rule = { key: `account:${user.username.toLowerCase()}`, maxFailures: config.auth.login.maxFailuresPerAccount };
      const wait = await throttle.blockedFor([rule.key]);
      if (wait > 0) throw tooManyRequests(wait, 'Too many wrong passwords; try again later');
      const row = await db.models.User.query().findById(user.id);
      if (!row || !(await verifyPassword(body.currentPassword, row.passwordHash))) {
        await throttle.recordFailure([rule]);
        throw validationFailed({ currentPassword: 'is not your current password' });
      }
      if (body.newPassword.toLowerCase().includes(row.username.toLowerCase())) {
        throw validationFailed({ newPassword: 'must not contain the username' });
      }
      const passwordHash = await hashPassword(body.newPassword);
      const sessionVersion = await db.knex.transaction(async (trx) => {
        await db.models.User.query(trx).findById(user.id).patch({ passwordHash });
        return endSessions(trx, user.id);
      });
      const { token, expiresAt } = await tokens.issue(user.id, user.role, sessionVersion);
      return { token, expiresAt: expiresAt.toISOString() };
    },
  }),
];
