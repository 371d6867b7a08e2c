import type { Role } from '../roles';

/** Who an announcement reaches: every active user, or the active users of one role. */
export const AUDIENCES = ['all', 'customers', 'technicians', 'admins'] as const;
export type Audience = (typeof AUDIENCES)[number];

const ROLE_OF: Record<Audience, Role | null> = { all: null, customers: 'customer', technicians: 'technician', admins: 'admin' };

/** The role an audience is made of, or null for everyone. */
export const audienceRole = (audience: Audience): Role | null => ROLE_OF[audience];

/** The title is the notification's title and the email's subject, so it stays one line and short. */
export const ANNOUNCEMENT_TITLE_MAX = 150;
export const ANNOUNCEMENT_MESSAGE_MAX = 5000;

/** The template every announcement renders with; its required context is `title` and `message`. */
export const ANNOUNCEMENT_TEMPLATE = 'announcement';

/**
 * Recipients created (and delivered) per page: one activity's transaction and one history's worth
 * of sends, whatever the audience's size.
 */
export const ANNOUNCEMENT_PAGE_SIZE = 200;
