import { createHash, randomBytes, randomInt } from 'node:crypto';
import { hashPassword, verifyPassword } from './password';

/**
 * Secrets sent to a user once (a reset link's token, a verification code), kept only as hashes.
 * A 32-byte token is beyond guessing, so SHA-256 is enough and lets it be looked up by its hash.
 * A 6-digit code has a million values, which a plain hash gives away to anyone who reads the
 * table within the ten minutes it lives; scrypt (the password hash) makes that take hours.
 */
export const newResetToken = (): string => randomBytes(32).toString('base64url');

export const hashResetToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const newVerificationCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const hashVerificationCode = (code: string): Promise<string> => hashPassword(code);

/** Constant-time (scrypt, then timingSafeEqual): how far a guess was from the code does not show. */
export const verificationCodeMatches = (code: string, hash: string): Promise<boolean> => verifyPassword(code, hash);
