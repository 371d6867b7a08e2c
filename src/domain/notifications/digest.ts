import { DAY, wallClock } from '../time-zones';
import { escapeHtml } from './templates';

/** One unread notification as the digest lists it. */
export interface DigestItem {
  title: string;
  message: string;
  priority: string;
  actionUrl: string | null;
  createdAt: Date;
}

/** One user's digest for one day, as the digest workflow asks its activity for it. */
export interface DigestRequest {
  userId: number;
  /** The once-per-day key, YYYY-MM-DD: the user's local date (the old daily run: the schedule zone's). */
  day: string;
  /** End of the 24 h window (ISO), fixed by the workflow so every retry looks at the same notifications. */
  windowEnd: string;
}

export type DigestOutcome =
  | { status: 'sent'; count: number }
  | { status: 'already_sent' }
  /** Another run holds a fresh claim and is sending it now. */
  | { status: 'in_progress' }
  | { status: 'empty' }
  | { status: 'failed'; code: string };

/**
 * How long one attempt to send a digest may take. A claim younger than this may still be in flight
 * (another run is sending it); only an older one can be left by a worker that died.
 */
export const DIGEST_SEND_TIMEOUT_MS = 60_000;

/** How far back a digest looks: the spec's "last 24 hours". */
export const DIGEST_WINDOW_MS = DAY;

/**
 * The calendar day (YYYY-MM-DD) a digest run belongs to, in the schedule's time zone. It is the
 * once-per-day key: every run on the same local day, retried or triggered by hand, maps to it.
 */
export function digestDay(at: Date, timeZone: string): string {
  return new Date(wallClock(at.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** Most recent first, and never more than `max` lines: a digest is a summary, the portal has the rest. */
export function digestLines(items: DigestItem[], max: number): { shown: DigestItem[]; more: number } {
  const sorted = [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return { shown: sorted.slice(0, max), more: Math.max(0, sorted.length - max) };
}

/** The list under the template's greeting, built here so each item is escaped on its own. */
export function digestListHtml(items: DigestItem[], more: number, appUrl: string): string {
  const li = items.map((i) => {
    const title = escapeHtml(i.title);
    const heading = i.actionUrl && /^https?:\/\//i.test(i.actionUrl) ? `<a href="${escapeHtml(i.actionUrl)}">${title}</a>` : title;
    return `<li style="margin-bottom:8px;"><strong>${heading}</strong><br>${escapeHtml(i.message)}</li>`;
  });
  const tail = more > 0 ? `<p>…and ${more} more in <a href="${escapeHtml(appUrl)}/notifications">your notifications</a>.</p>` : '';
  return `<ul style="padding-left:20px;">${li.join('')}</ul>${tail}`;
}

export function digestListText(items: DigestItem[], more: number, appUrl: string): string {
  const lines = items.map((i) => `- ${i.title}: ${i.message}${i.actionUrl ? ` (${i.actionUrl})` : ''}`);
  if (more > 0) lines.push(`…and ${more} more: ${appUrl}/notifications`);
  return lines.join('\n');
}
