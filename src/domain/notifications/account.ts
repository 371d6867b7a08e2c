import type { PortalLinks } from '../portals';
import { channelsFor } from './channels';
import type { Channel, DeliveryChannel, Priority } from './types';

/**
 * Account messages: notifications of category `account` that a use-case writes for one user (a
 * password-reset link, an address-verification code), not caused by a repair's event.
 */
export const ACCOUNT_TEMPLATES = { passwordReset: 'password_reset', addressVerification: 'address_verification' } as const;
export type AccountTemplate = (typeof ACCOUNT_TEMPLATES)[keyof typeof ACCOUNT_TEMPLATES];

/**
 * The priority whose channels (channelsFor) are exactly in-app plus the one channel the message
 * needs: MEDIUM for email, HIGH for SMS. Never URGENT, so a verification SMS still respects the
 * monthly SMS budget.
 */
export function accountPriority(channel: DeliveryChannel): Priority {
  return channel === 'email' ? 'MEDIUM' : 'HIGH';
}

export function accountChannels(channel: DeliveryChannel): Channel[] {
  return channelsFor(accountPriority(channel));
}

/**
 * What the in-app copy shows where the email or SMS has the secret: the title and message are
 * rendered with these in place of the link and the code, whatever an edited template asks for.
 */
export const SECRET_PLACEHOLDER = '(sent to you separately)';

export interface VerificationCodeState {
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

/** Why a code can no longer be tried, or null while it can (used, expired, or out of tries). */
export function deadCodeReason(code: VerificationCodeState, now: Date, maxAttempts: number): 'used' | 'expired' | 'exhausted' | null {
  if (code.consumedAt !== null) return 'used';
  if (code.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (code.attempts >= maxAttempts) return 'exhausted';
  return null;
}

/** A password-reset request, as its workflow carries it: the public one by username, an admin's by id. */
export type PasswordResetRequest = { requestKey: string } & ({ username: string } | { userId: number; requestedBy: number });

/**
 * Unused tokens a user may have at once when they ask themselves: the request is public and
 * answers the same whatever happens, so without a cap anyone could fill an inbox through it.
 */
export const MAX_OUTSTANDING_RESETS = 5;

/** What a password-reset message is rendered with; `resetUrl` carries the token. */
export const passwordResetContext = (username: string, resetUrl: string, ttlMs: number): Record<string, unknown> => ({
  recipient: { username },
  resetUrl,
  expiresInMinutes: Math.round(ttlMs / 60_000),
});

/** What an address-verification message is rendered with; `code` is the secret. */
export const verificationContext = (
  username: string,
  target: { channel: DeliveryChannel; address: string },
  code: string,
  ttlMs: number,
): Record<string, unknown> => ({
  recipient: { username },
  channelName: target.channel === 'email' ? 'email address' : 'phone number',
  address: target.address,
  code,
  expiresInMinutes: Math.round(ttlMs / 60_000),
});

/** The context entries of each account template that must never reach the in-app copy. */
export const ACCOUNT_SECRETS: Readonly<Record<AccountTemplate, readonly string[]>> = {
  password_reset: ['resetUrl'],
  address_verification: ['code'],
};

/** Samples shaped exactly like the senders' contexts, for checking and previewing template versions. */
export const ACCOUNT_TEMPLATE_SAMPLES: Readonly<Record<AccountTemplate, (links: PortalLinks) => Record<string, unknown>>> = {
  password_reset: (links) => passwordResetContext('alex', links.passwordResetLink('customer', 'SAMPLE-TOKEN'), 3_600_000),
  address_verification: () => verificationContext('alex', { channel: 'email', address: 'alex@example.com' }, '123456', 600_000),
};
