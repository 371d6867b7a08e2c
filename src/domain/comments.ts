import type { Category, Priority } from './notifications/types';
import type { PortalLinks } from './portals';
import type { Role } from './roles';

/**
 * A repair's comment thread. Each comment tells the repair's other parties in-app only: the
 * customer's users and the assigned technician, plus the admins who have written in this thread
 * before (an admin joins a conversation by taking part; every admin for every comment would bury
 * them), never the author.
 */
export const COMMENT_BODY_MAX = 2000;

/** The template each comment's notices render with. */
export const COMMENT_TEMPLATE = 'repair_comment';

/** LOW: in-app only (`channelsFor`), so no email, SMS, delivery log or quiet hours are involved. */
export const COMMENT_NOTICE: { priority: Priority; category: Category } = { priority: 'LOW', category: 'repair_status' };

/** How much of a comment its notice quotes. */
export const COMMENT_EXCERPT_MAX = 200;

export const excerpt = (body: string, max = COMMENT_EXCERPT_MAX): string => (body.length <= max ? body : `${body.slice(0, max - 1)}…`);

export interface CommentNoticeFacts {
  repair: { id: number; unitNumber: string; status: string };
  author: { username: string; role: Role };
  comment: { id: number; body: string };
}

/** What a comment's notice is rendered with (the registry's sample has the same shape). */
export function commentContext(
  facts: CommentNoticeFacts,
  at: { recipient: { username: string }; actionUrl: string },
): Record<string, unknown> {
  return {
    repair: { ...facts.repair },
    author: { ...facts.author },
    comment: { id: facts.comment.id, excerpt: excerpt(facts.comment.body) },
    recipient: { username: at.recipient.username },
    actionUrl: at.actionUrl,
  };
}

export const commentSample = (links: PortalLinks): Record<string, unknown> =>
  commentContext(
    {
      repair: { id: 1042, unitNumber: 'TRK-107', status: 'APPROVED' },
      author: { username: 'fleet.manager', role: 'customer' },
      comment: { id: 77, body: 'The truck is parked at bay 4 until Friday noon; keys are at the front desk.' },
    },
    { recipient: { username: 'alex' }, actionUrl: links.repairLink('customer', 1042) },
  );
