import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { keys } from '../../domain/keys';
import { isReferralCodeShape, normaliseReferralCode, referralCode, type RewardRules } from '../../domain/rewards';
import { validationFailed } from '../errors';

/** The user's referral code, created on first request (a unique-index race is retried). */
export async function referralCodeOf(knex: Knex, userId: number): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await knex('referral_codes').where('user_id', userId).first<{ code: string } | undefined>('code');
    if (existing) return existing.code;
    await knex('referral_codes')
      .insert({ user_id: userId, code: referralCode(randomBytes(16)) })
      .onConflict()
      .ignore();
  }
  throw new Error('could not allocate a referral code');
}

/**
 * A new customer user signed up with someone's code: both sides are credited, once (a user can be
 * referred only once, and the ledger references are unique). A code from the new user's own
 * customer (its fleet) does not count: that is the fleet rewarding itself.
 */
export async function creditReferral(
  trx: Knex.Transaction,
  newUser: { id: number; customerId: number },
  rawCode: string,
  rules: RewardRules,
): Promise<void> {
  const code = normaliseReferralCode(rawCode);
  if (!isReferralCodeShape(code)) throw validationFailed({ referralCode: 'is not a referral code' });
  const owner = await trx('referral_codes as rc')
    .join('customer_users as cu', 'cu.user_id', 'rc.user_id')
    .where('rc.code', code)
    .first<{ userId: number; customerId: number } | undefined>({ userId: 'rc.user_id', customerId: 'cu.customer_id' });
  if (!owner) throw validationFailed({ referralCode: 'no such referral code' });
  if (owner.customerId === newUser.customerId) {
    throw validationFailed({ referralCode: "cannot be a code of the user's own customer" });
  }
  const inserted = await trx('referrals')
    .insert({ referrer_user_id: owner.userId, referred_user_id: newUser.id, code })
    .onConflict('referred_user_id')
    .ignore()
    .returning('id');
  if (inserted.length === 0) return;
  await trx('reward_points')
    .insert([
      { user_id: owner.userId, delta: rules.referrerPoints, reason: 'referral_referrer', ref: keys.referralPoints(newUser.id, 'referrer') },
      { user_id: newUser.id, delta: rules.referredPoints, reason: 'referral_referred', ref: keys.referralPoints(newUser.id, 'referred') },
    ])
    .onConflict('ref')
    .ignore();
}
