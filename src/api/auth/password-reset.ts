import { z } from 'zod';
import { confirmPasswordReset, requestPasswordReset } from '../../use-cases/password-reset';
import { loginThrottle } from '../../db/queries/login-throttle';
import { idParam, newPassword } from '../common/schemas';
import { tooManyRequests } from '../errors';
import { defineRoute, type AnyRoute } from '../route';

const ACCEPTED = 'If the account exists and has a verified email address, a link to reset its password is on its way there.';

export const passwordResetRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/auth/password-reset',
    tag: 'auth',
    summary:
      'Emails a single-use link to reset the password (valid 1 hour) to the account’s verified email address. Always 202 with ' +
      'the same body, whether or not the account exists',
    access: 'public',
    body: z.object({ username: z.string().trim().min(1, 'is required').max(150) }),
    status: 202,
    response: z.object({ message: z.string() }),
    errors: [429, 503],
    handler: async ({ body, ctx }, deps) => {
      // Each request starts a workflow and may send an email: a client address gets as many as it gets failed logins.
      const throttle = loginThrottle(deps.db.knex, deps.config.auth.login);
      const rule = { key: `reset-address:${ctx.ip}`, maxFailures: deps.config.auth.login.maxFailuresPerAddress };
      const wait = await throttle.blockedFor([rule.key]);
      if (wait > 0) throw tooManyRequests(wait, 'Too many reset requests; try again later');
      await throttle.recordFailure([rule]);
      // The same work for every username (a workflow start; the account is looked up there), and
      // once it is started the request survives this process.
      await requestPasswordReset(deps, { username: body.username });
      return { message: ACCEPTED };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password-reset/confirm',
    tag: 'auth',
    summary:
      'Sets a new password with the token from the link; the token is used up, the user’s other reset links stop working and ' +
      'every session of the user ends. An unknown, expired or used token is 400 naming token',
    access: 'public',
    body: z.object({ token: z.string().trim().min(1, 'is required').max(200), newPassword }),
    response: z.object({ message: z.string() }),
    handler: async ({ body }, deps) => {
      const { username } = await confirmPasswordReset(deps, body.token, body.newPassword);
      // Whoever proved the mailbox may log in at once, even if guesses had blocked the account.
      await loginThrottle(deps.db.knex, deps.config.auth.login).reset(`account:${username.toLowerCase()}`);
      return { message: 'Your password has been changed; log in with the new one.' };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/password-reset',
    tag: 'users',
    summary:
      'Emails the user a password-reset link, as if they had asked; emailQueued is false when they have no verified email ' +
      'address (nothing is sent). 409 for a deactivated user',
    access: ['admin'],
    params: idParam,
    status: 202,
    response: z.object({ userId: z.number().int(), emailQueued: z.boolean() }),
    errors: [404, 409, 503],
    handler: async ({ params, user }, deps) => {
      const outcome = await requestPasswordReset(deps, { userId: params.id, requestedBy: user.id });
      return { userId: params.id, emailQueued: outcome.emailQueued };
    },
  }),
];
