import { ROLES, type Role } from '../roles';
import type { DeliveryChannel } from './types';

/**
 * The staged rollout of email and SMS: per channel, the share (0-100 %) of each role that gets it.
 * In-app is not part of it (it always goes), and neither are account messages (decideDelivery):
 * a password reset or a verification code is how a user gets in, whoever they are.
 */
export const ROLLOUT_CHANNELS = ['email', 'sms'] as const satisfies readonly DeliveryChannel[];

export type RolloutShares = Record<DeliveryChannel, Record<Role, number>>;

/** Logged as the suppressed delivery's error code for a user the rollout has not reached yet. */
export const NOT_IN_ROLLOUT = 'not_in_rollout';

/** Until an admin says otherwise, everyone gets every channel. */
export const FULL_SHARE = 100;

export const fullRollout = (): RolloutShares =>
  Object.fromEntries(ROLLOUT_CHANNELS.map((c) => [c, Object.fromEntries(ROLES.map((r) => [r, FULL_SHARE]))])) as RolloutShares;

/** The stored rows over the defaults: a channel and role without a row is at 100 %. */
export function rolloutFromRows(rows: Array<{ channel: DeliveryChannel; role: Role; share: number }>): RolloutShares {
  const shares = fullRollout();
  for (const r of rows) if (shares[r.channel]?.[r.role] !== undefined) shares[r.channel][r.role] = r.share;
  return shares;
}

/**
 * A user's bucket on a channel, 0..99: the same for ever (a user id and a channel name, hashed), so
 * a user inside at 25 % is still inside at 50 %. The channel is part of the key so the first
 * quarter for SMS is not the first quarter for email. FNV-1a over the text, then murmur3's
 * finaliser: FNV alone leaves neighbouring ids (users created one after another) too alike in the
 * low bits a modulo reads.
 */
export function rolloutBucket(userId: number, channel: DeliveryChannel): number {
  const text = `${channel}:${userId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100;
}

/** Inside a share of `share` % (0 nobody, 100 everybody): monotone, as the bucket never moves. */
export const inRollout = (share: number, userId: number, channel: DeliveryChannel): boolean => rolloutBucket(userId, channel) < share;

/** The channels the rollout has not reached for this user (empty once both are at 100 % for their role). */
export function channelsOutsideRollout(shares: RolloutShares, role: Role, userId: number): DeliveryChannel[] {
  return ROLLOUT_CHANNELS.filter((c) => !inRollout(shares[c][role], userId, c));
}
