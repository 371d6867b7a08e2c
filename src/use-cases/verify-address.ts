import { ConflictError, ValidationError } from '../domain/errors';
import { ACCOUNT_TEMPLATES, deadCodeReason, verificationContext } from '../domain/notifications/account';
import type { DeliveryChannel } from '../domain/notifications/types';
import { hashVerificationCode, newVerificationCode, verificationCodeMatches } from '../security/one-time';
import { deliverAccountMessage, recordAccountMessage } from './account-messages';
import type { UseCaseDeps } from './deps';

const NAME: Record<DeliveryChannel, string> = { email: 'email address', sms: 'phone number' };

interface Row {
  id: number;
  address: string;
  codeHash: string;
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

/**
 * Sends a 6-digit code to the user's current, unverified email address or phone number. It
 * replaces any earlier code for that channel, lives `codeTtlMs` and allows `maxAttempts` tries.
 */
export async function requestVerificationCode(
  deps: UseCaseDeps,
  userId: number,
  channel: DeliveryChannel,
): Promise<{ channel: DeliveryChannel; address: string; expiresAt: Date }> {
  const code = newVerificationCode();
  const codeHash = await hashVerificationCode(code);
  const ttlMs = deps.config.auth.verification.codeTtlMs;
  const expiresAt = new Date(Date.now() + ttlMs);
  const { address, notificationId } = await deps.db.knex.transaction(async (trx) => {
    // Locked, so the address the code is stored for is the one it is sent to.
    const user = await trx('users')
      .where('id', userId)
      .forUpdate()
      .first<{ username: string; email: string | null; emailVerified: boolean; phone: string | null; phoneVerified: boolean }>(
        'username',
        'email',
        'emailVerified',
        'phone',
        'phoneVerified',
      );
    if (!user) throw new ValidationError({ channel: 'your account no longer exists' });
    const [address, verified] = channel === 'email' ? [user.email, user.emailVerified] : [user.phone, user.phoneVerified];
    if (address === null || address.trim() === '') throw new ValidationError({ channel: `your account has no ${NAME[channel]} to verify` });
    if (verified)
      throw new ConflictError(`Your ${NAME[channel]} is already verified`, { channel: `your ${NAME[channel]} is already verified` });

    const fields = { address, codeHash, expiresAt, attempts: 0, consumedAt: null, createdAt: new Date() };
    await trx('address_verifications')
      .insert({ userId, channel, ...fields })
      .onConflict(['user_id', 'channel'])
      .merge(fields);
    const notificationId = await recordAccountMessage(deps.db, trx, {
      userId,
      template: ACCOUNT_TEMPLATES.addressVerification,
      channel,
      context: verificationContext(user.username, { channel, address }, code, ttlMs),
      verifying: { channel, address },
    });
    return { address, notificationId };
  });
  await deliverAccountMessage(deps, notificationId, channel);
  return { channel, address, expiresAt };
}

const DEAD: Record<NonNullable<ReturnType<typeof deadCodeReason>> | 'none', string> = {
  none: 'no code was requested for this channel; request one first',
  used: 'has already been used; request a new one if you need to',
  expired: 'has expired; request a new one',
  exhausted: 'was entered wrongly too many times; request a new one',
};

/**
 * Checks a code; the right one marks the address verified, provided it is still the address the
 * code was sent to. Each try is counted before the code is compared, in one guarded update, so
 * parallel guesses get no more than `maxAttempts` between them.
 */
export async function confirmVerificationCode(
  deps: UseCaseDeps,
  userId: number,
  channel: DeliveryChannel,
  code: string,
): Promise<{ channel: DeliveryChannel; address: string }> {
  const max = deps.config.auth.verification.maxAttempts;
  const mine = () => deps.db.knex('address_verifications').where({ userId, channel });
  const [row] = await mine()
    .whereNull('consumedAt')
    .where('expiresAt', '>', new Date())
    .where('attempts', '<', max)
    .increment('attempts', 1)
    .returning<Row[]>(['id', 'address', 'codeHash', 'expiresAt', 'attempts', 'consumedAt']);
  if (!row) {
    const found = await mine().first<Row | undefined>();
    throw new ValidationError({ code: DEAD[found ? (deadCodeReason(found, new Date(), max) ?? 'used') : 'none'] });
  }
  if (!(await verificationCodeMatches(code, row.codeHash))) {
    const left = max - row.attempts;
    throw new ValidationError({
      code:
        left > 0
          ? `is not correct; ${left} ${left === 1 ? 'try' : 'tries'} left`
          : 'is not correct, and that was the last try; request a new one',
    });
  }
  const outcome = await deps.db.knex.transaction(async (trx) => {
    const consumed = await trx('address_verifications').where('id', row.id).whereNull('consumedAt').update({ consumedAt: new Date() });
    if (consumed === 0) return 'used' as const;
    const column = channel === 'email' ? 'email' : 'phone';
    const verified = await trx('users')
      .where({ id: userId, [column]: row.address })
      .update(channel === 'email' ? { emailVerified: true } : { phoneVerified: true });
    // Used up either way: a code for an address the user no longer has verifies nothing, ever.
    return verified === 0 ? ('moved' as const) : ('verified' as const);
  });
  if (outcome === 'used') throw new ValidationError({ code: DEAD.used });
  if (outcome === 'moved')
    throw new ValidationError({ code: `was sent to ${row.address}, which is no longer your ${NAME[channel]}; request a new one` });
  return { channel, address: row.address };
}
