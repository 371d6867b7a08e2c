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
