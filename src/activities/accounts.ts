import { recordAccountMessage } from '../db/queries/account-messages';
import {
  ACCOUNT_TEMPLATES,
  MAX_OUTSTANDING_RESETS,
  passwordResetContext,
  type PasswordResetRequest,
} from '../domain/notifications/account';
import { portalLinks } from '../domain/portals';
import type { Role } from '../domain/roles';
import { hashResetToken, newResetToken } from '../security/one-time';
import type { ActivityDeps } from './deps';

interface Account {
  id: number;
  username: string;
  role: Role;
  email: string | null;
  emailVerified: boolean;
  isActive: boolean;
}

export function createAccountActivities({ db, portals, passwordResetTtlMs }: ActivityDeps) {
  const portal = portalLinks(portals);
  return {
    /**
     * Issues a single-use reset token and writes the in-app record of the email carrying its link;
     * returns that notification, or null when nothing is to be sent (no such active account, no
     * verified email, or too many unused links already). Once per request key: a retry after a
     * commit finds the token it issued and sends that one, never a second.
     */
    async issuePasswordReset(request: PasswordResetRequest): Promise<number | null> {
      return db.knex.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [request.requestKey]);
        const issued = await trx('password_resets')
          .where('requestKey', request.requestKey)
          .first<{ notificationId: number | null }>('notificationId');
        if (issued) return issued.notificationId;

        const users = trx('users')
          .select<Account[]>('id', 'username', 'role', 'email', 'emailVerified', 'isActive')
          .where('isActive', true);
        const user: Account | undefined =
          'username' in request
            ? await users.whereRaw('lower(username) = lower(?)', [request.username]).first()
            : await users.where('id', request.userId).first();
        if (!user || !user.email || !user.emailVerified) return null;
        if ('username' in request) {
          const [row] = await trx('password_resets')
            .where('userId', user.id)
            .whereNull('usedAt')
            .whereNull('revokedAt')
            .where('expiresAt', '>', new Date())
            .count<{ n: string }[]>({ n: '*' });
          if (Number(row?.n ?? 0) >= MAX_OUTSTANDING_RESETS) return null;
        }

        const token = newResetToken();
        const notificationId = await recordAccountMessage(db, trx, {
          userId: user.id,
          template: ACCOUNT_TEMPLATES.passwordReset,
          channel: 'email',
          context: passwordResetContext(user.username, portal.passwordResetLink(user.role, token), passwordResetTtlMs),
        });
        await trx('password_resets').insert({
          userId: user.id,
          tokenHash: hashResetToken(token),
          expiresAt: new Date(Date.now() + passwordResetTtlMs),
          requestedBy: 'requestedBy' in request ? request.requestedBy : null,
          requestKey: request.requestKey,
          notificationId,
        });
        return notificationId;
      });
    },
  };
}
