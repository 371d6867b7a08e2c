/** Reward rules (the amounts are configuration; see REWARD_* in .env.example). */
export interface RewardRules {
  pointsPerCompletedRepair: number;
  referrerPoints: number;
  referredPoints: number;
}

export const balanceOf = (entries: readonly { delta: number }[]): number => entries.reduce((sum, e) => sum + e.delta, 0);

/** A redemption may never take a balance below zero. */
export const canRedeem = (balance: number, pointsRequired: number): boolean => pointsRequired >= 0 && balance - pointsRequired >= 0;

// Crockford's base32 without look-alikes: codes are read aloud and typed from paper.
export const REFERRAL_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERRAL_CODE_LENGTH = 10;

/** A referral code from random bytes (the caller supplies them: this stays pure). */
export function referralCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < REFERRAL_CODE_LENGTH) throw new RangeError(`need ${REFERRAL_CODE_LENGTH} random bytes`);
  return Array.from(randomBytes.slice(0, REFERRAL_CODE_LENGTH), (b) => REFERRAL_ALPHABET[b % 32]).join('');
}

export const isReferralCodeShape = (s: string): boolean =>
  s.length === REFERRAL_CODE_LENGTH && [...s].every((c) => REFERRAL_ALPHABET.includes(c));

/** Codes are typed by people: case and the usual look-alikes do not matter. */
export const normaliseReferralCode = (s: string): string =>
  s.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/U/g, 'V');

/** Why a ledger entry exists (`reward_points.reason`; the table's check lists the same). */
export const POINTS_REASONS = ['repair_completed', 'referral_referrer', 'referral_referred', 'redemption'] as const;
export type PointsReason = (typeof POINTS_REASONS)[number];

/**
 * What a ledger entry's reference (built by keys.repairPoints, keys.referralPoints or
 * keys.redemptionPoints) points at, read back: the repair or the redemption, when it is one. A
 * referral names the other user, whom the history does not show.
 */
export function ledgerSource(ref: string): { repairId: number | null; redemptionId: number | null } {
  const repair = /^repair:(\d+):completed$/.exec(ref);
  const redemption = /^redemption:(\d+)$/.exec(ref);
  return { repairId: repair ? Number(repair[1]) : null, redemptionId: redemption ? Number(redemption[1]) : null };
}
