import { z } from 'zod';
import { confirmPasswordReset, requestPasswordReset } from '../../use-cases/password-reset';
import { idParam, newPassword } from '../common/schemas';
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
    handler: ({ body }, deps) => {
      // Not awaited: the answer leaves before the account is even looked up, so neither its body
      // nor its timing can tell an existing account from a missing one.
      requestPasswordReset(deps, { username: body.username }).catch((err: unknown) =>
        deps.logger.error({ err }, 'password reset request failed'),
      );
      return Promise.resolve({ message: ACCEPTED });
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
      await confirmPasswordReset(deps, body.token, body.newPassword);
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
