import { endSessions } from '../db/queries/sessions';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { ACCOUNT_TEMPLATES, passwordResetContext } from '../domain/notifications/account';
import { passwordProblem } from '../domain/passwords';
import { hashResetToken, newResetToken } from '../security/one-time';
import { hashPassword } from '../security/password';
import { deliverAccountMessage, recordAccountMessage } from './account-messages';
import type { UseCaseDeps } from './deps';

/**
 * Unused tokens a user may have at once when they ask themselves: the request is public and
 * answers the same whatever happens, so without a cap anyone could fill an inbox through it.
 */
export const MAX_OUTSTANDING_RESETS = 5;

interface Account {
  id: number;
  username: string;
  email: string | null;
  emailVerified: boolean;
  isActive: boolean;
}

export type ResetOutcome = { emailQueued: true; notificationId: number } | { emailQueued: false };

const outstanding = (deps: UseCaseDeps, userId: number) =>
  deps.db.knex('password_resets').where('userId', userId).whereNull('usedAt').whereNull('revokedAt').where('expiresAt', '>', new Date());

/**
 * Issues a single-use reset token and emails its link, to a verified email address only (without
 * one nothing is issued or sent). By `username` it is the public request, which must not reveal
 * whether the account exists: an unknown or disabled account is no error, just nothing sent. By
 * `userId` it is an admin's, for whom an unknown user is 404 and a disabled one a conflict.
 */
export async function requestPasswordReset(
  deps: UseCaseDeps,
  who: { username: string } | { userId: number; requestedBy: number },
): Promise<ResetOutcome> {
  const users = deps.db.knex('users').select<Account[]>('id', 'username', 'email', 'emailVerified', 'isActive');
  const user =
    'username' in who
      ? await users.whereRaw('lower(username) = lower(?)', [who.username]).where('isActive', true).first()
      : await users.where('id', who.userId).first();
  if ('userId' in who) {
    if (!user) throw new NotFoundError('User');
    if (!user.isActive) throw new ConflictError(`User ${user.id} is deactivated; reactivate them before resetting their password`);
  }
  if (!user || !user.email || !user.emailVerified) return { emailQueued: false };
  if ('username' in who) {
    const [{ n }] = (await outstanding(deps, user.id).count({ n: '*' })) as unknown as [{ n: number }];
    if (n >= MAX_OUTSTANDING_RESETS) return { emailQueued: false };
  }

  const token = newResetToken();
  const ttlMs = deps.config.auth.passwordResetTtlMs;
  const resetUrl = `${deps.config.notifications.appUrl}/reset-password?token=${token}`;
  const notificationId = await deps.db.knex.transaction(async (trx) => {
    await trx('password_resets').insert({
      userId: user.id,
      tokenHash: hashResetToken(token),
      expiresAt: new Date(Date.now() + ttlMs),
      requestedBy: 'requestedBy' in who ? who.requestedBy : null,
    });
    return recordAccountMessage(deps, trx, {
      userId: user.id,
      template: ACCOUNT_TEMPLATES.passwordReset,
      channel: 'email',
      context: passwordResetContext(user.username, resetUrl, ttlMs),
    });
  });
  await deliverAccountMessage(deps, notificationId, 'email');
  return { emailQueued: true, notificationId };
}

const BAD_TOKEN = { token: 'is not a valid reset link: it is unknown, expired or already used; ask for a new one' };

/**
 * Sets a new password with a reset token: the token is used up, every other outstanding token of
 * the user dies with it, and every session of the user ends. A token that is unknown, expired or
 * used (or a password the rule refuses) changes nothing.
 */
export async function confirmPasswordReset(deps: UseCaseDeps, token: string, newPassword: string): Promise<{ userId: number }> {
  // Hashed first, whatever the token: a bad token answers no sooner than a good one.
  const passwordHash = await hashPassword(newPassword);
  const tokenHash = hashResetToken(token);
  return deps.db.knex.transaction(async (trx) => {
    const now = new Date();
    // The guarded update is the claim: of two requests with the same token, one finds it unused.
    const [claim] = await trx('password_resets')
      .update({ usedAt: now })
      .where('tokenHash', tokenHash)
      .whereNull('usedAt')
      .whereNull('revokedAt')
      .where('expiresAt', '>', now)
      .returning<{ id: number; userId: number }[]>(['id', 'userId']);
    if (!claim) throw new ValidationError(BAD_TOKEN);
    const user = await trx('users')
      .where({ id: claim.userId, isActive: true })
      .forUpdate()
      .first<{ username: string } | undefined>('username');
    if (!user) throw new ValidationError(BAD_TOKEN);
    const problem = passwordProblem(newPassword, user.username);
    if (problem !== null) throw new ValidationError({ newPassword: problem });

    await trx('users').where('id', claim.userId).update({ passwordHash, updatedAt: now });
    await trx('password_resets')
      .where('userId', claim.userId)
      .whereNot('id', claim.id)
      .whereNull('usedAt')
      .whereNull('revokedAt')
      .update({ revokedAt: now });
    await endSessions(trx, claim.userId);
    return { userId: claim.userId };
  });
}
