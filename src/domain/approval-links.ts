import type { EventType } from './events';

/**
 * Approve from the message: the approval-needed email and SMS give each recipient a link of their
 * own, which makes the move as that customer user without a login.
 */

/** The events whose notification asks the customer's users to decide, and so carries a link. */
const LINK_EVENTS: ReadonlySet<string> = new Set<EventType>(['approval_requested', 'approval_reminder']);
export const carriesApprovalLink = (eventType: string): boolean => LINK_EVENTS.has(eventType);

/**
 * The portal page a link opens (it reads `GET /api/approvals/:token`). The path is one letter: the
 * SMS must hold the link, the repair's number and a unit number of 50 characters in 160.
 */
export const approvalLinkUrl = (appUrl: string, token: string): string => `${appUrl}/a/${token}`;

/** As long as a real token (32 random bytes, base64url), so previews show the real length. */
export const SAMPLE_APPROVAL_TOKEN = 'SAMPLE-TOKEN'.padEnd(43, '0');

export interface ApprovalLinkState {
  usedAt: Date | null;
  expired: boolean;
  repairStatus: string;
  /** Whether the link's user is still an active user of the repair's customer. */
  userMayDecide: boolean;
}

export type DeadLinkReason = 'used' | 'expired' | 'decided' | 'user';

/** Why a link no longer works, or null while it does: used, expired, the repair decided, or its user gone. */
export function deadLinkReason(link: ApprovalLinkState): DeadLinkReason | null {
  if (link.usedAt !== null) return 'used';
  if (link.expired) return 'expired';
  if (link.repairStatus !== 'PENDING') return 'decided';
  if (!link.userMayDecide) return 'user';
  return null;
}
