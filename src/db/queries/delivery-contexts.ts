import type { VerifyingAddress } from '../../domain/notifications/decide';
import type { DeliveryContext } from '../../domain/notifications/delivery';
import { channelsOutsideRollout } from '../../domain/notifications/rollout';
import type { Role } from '../../domain/roles';
import type { Db } from '../index';
import type { Notification } from '../models';
import { loadPreferencesOf } from './preferences';
import { loadRollout } from './rollout';

/**
 * Priority, category, preferences, address and rollout of several notifications, in three queries.
 * The rollout is read here, each time, so a change reaches the next delivery decided, in every
 * worker, without a restart or a cache to expire.
 */
export async function deliveryContextsOf(db: Db, ids: number[]): Promise<Map<number, DeliveryContext>> {
  if (ids.length === 0) return new Map();
  const rows: Array<
    Pick<Notification, 'id' | 'userId' | 'priority' | 'category'> &
      Record<'email' | 'phone', string | null> &
      Record<'emailVerified' | 'phoneVerified', boolean | null> & { verifying: VerifyingAddress | null; role: Role | null }
  > = await db
    .knex('notifications as n')
    .leftJoin('users as u', 'u.id', 'n.userId')
    .whereIn('n.id', ids)
    .select(
      'n.id',
      'n.userId',
      'n.priority',
      'n.category',
      'n.verifying',
      'u.email',
      'u.emailVerified',
      'u.phone',
      'u.phoneVerified',
      'u.role',
    );
  const [preferences, rollout] = await Promise.all([
    loadPreferencesOf(db.knex, [...new Set(rows.map((r) => r.userId))]),
    loadRollout(db.knex),
  ]);
  return new Map(
    rows.map((r) => {
      const outsideRollout = r.role ? channelsOutsideRollout(rollout.shares, r.role, r.userId) : [];
      return [
        r.id,
        {
          priority: r.priority,
          category: r.category,
          preferences: preferences.get(r.userId)!,
          address: {
            email: r.email ?? null,
            emailVerified: Boolean(r.emailVerified),
            phone: r.phone ?? null,
            phoneVerified: Boolean(r.phoneVerified),
          },
          // Only where set: every other notification's context stays as workflow histories recorded it.
          ...(r.verifying ? { verifying: r.verifying } : {}),
          ...(outsideRollout.length > 0 ? { outsideRollout } : {}),
        },
      ];
    }),
  );
}
