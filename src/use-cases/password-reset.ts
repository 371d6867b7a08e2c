import { randomUUID } from 'node:crypto';
import { endSessions } from '../db/queries/sessions';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { keys } from '../domain/keys';
import { passwordProblem } from '../domain/passwords';
import { hashResetToken } from '../security/one-time';
import { hashPassword } from '../security/password';
import type { PasswordResetInput, passwordResetWorkflow } from '../workflows/account';
import { bounded, deliveryOptions, WORKFLOW_CALL_DEADLINE_MS, type UseCaseDeps } from './deps';

interface Account {
  id: number;
  email: string | null;
  emailVerified: boolean;
  isActive: boolean;
}

/**
 * Starts a password-reset request's workflow, which issues the single-use token and emails its
 * link to a verified email address only (see activities/accounts.ts). By `username` it is the
 * public request: the account is not even looked up here, so neither the answer nor its timing
 * tells whether it exists. By `userId` it is an admin's, for whom an unknown user is 404, a
 * disabled one a conflict, and the answer says whether an email goes out.
 */
export async function requestPasswordReset(
  deps: UseCaseDeps,
  who: { username: string } | { userId: number; requestedBy: number },
): Promise<{ emailQueued: boolean }> {
  let emailQueued = false;
  if ('userId' in who) {
    const user = await deps.db.knex('users').where('id', who.userId).first<Account | undefined>('id', 'email', 'emailVerified', 'isActive');
    if (!user) throw new NotFoundError('User');
    if (!user.isActive) throw new ConflictError(`User ${user.id} is deactivated; reactivate them before resetting their password`);
    emailQueued = Boolean(user.email && user.emailVerified);
  }
  const requestKey = keys.passwordReset(randomUUID());
  const input: PasswordResetInput = { request: { ...who, requestKey }, delivery: deliveryOptions(deps.config) };
  await bounded(deps, WORKFLOW_CALL_DEADLINE_MS, () =>
    deps.temporal.client.workflow.start<typeof passwordResetWorkflow>('passwordResetWorkflow', {
      workflowId: requestKey,
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
    }),
  );
  return { emailQueued };
}

const BAD_TOKEN = { token: 'is not a valid reset link: it is unknown, expired or already used; ask for a new one' };

/**
 * Sets a new password with a reset token: the token is used up, every other outstanding token of
 * the user dies with it, and every session of the user ends. A token that is unknown, expired or
 * used (or a password the rule refuses) changes nothing.
 */
export async function confirmPasswordReset(
  deps: UseCaseDeps,
  token: string,
  newPassword: string,
): Promise<{ userId: number; username: string }> {
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
    return { userId: claim.userId, username: user.username };
  });
}
