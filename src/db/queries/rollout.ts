import type { Knex } from 'knex';
import type { Role } from '../../domain/roles';
import { ROLLOUT_CHANNELS, rolloutFromRows, type RolloutShares } from '../../domain/notifications/rollout';
import type { DeliveryChannel } from '../../domain/notifications/types';

interface Row {
  channel: DeliveryChannel;
  role: Role;
  share: number;
  updatedAt: Date;
}

/** The rollout now (every channel and role, 100 % where nothing is stored) and when it last changed. */
export async function loadRollout(knex: Knex | Knex.Transaction): Promise<{ shares: RolloutShares; updatedAt: Date | null }> {
  const rows = await knex<Row>('notification_rollout').select('channel', 'role', 'share', 'updatedAt');
  const updatedAt = rows.reduce<Date | null>((latest, r) => (latest === null || r.updatedAt > latest ? r.updatedAt : latest), null);
  return { shares: rolloutFromRows(rows), updatedAt };
}

/**
 * Replaces the whole rollout in one statement. Two concurrent saves each lock the same rows in the
 * same order (the VALUES list is always channel, then role, in one order), so the second waits for
 * the first and then overwrites every row: the last writer wins, whole, with no deadlock and no mix.
 */
export async function saveRollout(knex: Knex | Knex.Transaction, shares: RolloutShares, byUserId: number): Promise<void> {
  const now = new Date();
  const rows = ROLLOUT_CHANNELS.flatMap((channel) =>
    (Object.keys(shares[channel]) as Role[])
      .sort()
      .map((role) => ({ channel, role, share: shares[channel][role], updated_at: now, updated_by: byUserId })),
  );
  await knex('notification_rollout').insert(rows).onConflict(['channel', 'role']).merge(['share', 'updated_at', 'updated_by']);
}
