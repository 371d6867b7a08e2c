import type { RepairStatus } from './repair';

/**
 * The texts the Temporal UI and CLI show for a repair workflow, so that ops can tell what a
 * repair is, who holds it and why it waits without running a query. Pure: the workflow bundle
 * imports it, and its clock is the workflow's. Times are UTC (the workflow knows no one's zone).
 */

export interface RepairIdentity {
  repairId: number;
  unitNumber: string;
  customerId: number;
  /** Absent in workflows started before names were passed in. */
  customerName?: string;
  damageType: string | null;
  description: string;
}

/** Summaries and names are single lines in the UI; a stray newline in a name would break it. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

const excerpt = (s: string, max: number) => {
  const line = oneLine(s);
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};

export const customerLabel = (customerId: number, customerName?: string): string =>
  customerName !== undefined && oneLine(customerName) !== '' ? oneLine(customerName) : `customer #${customerId}`;

/** No activity result carries a technician's username, so ids it is. */
export const technicianLabel = (technicianId: number): string => `technician #${technicianId}`;

/** "TRK-101 · Fleet One · chip": unit, customer, damage (the description's start when no type was given). */
export function repairSummary(r: RepairIdentity): string {
  const damage = r.damageType !== null && oneLine(r.damageType) !== '' ? oneLine(r.damageType) : excerpt(r.description, 40);
  return [oneLine(r.unitNumber), customerLabel(r.customerId, r.customerName), damage || 'damage not described'].join(' · ');
}

/**
 * What the repair was when its workflow started; the current details say what it is now. Markdown,
 * which the UI renders (plain lines would run together into one paragraph there).
 */
export function repairStaticDetails(r: RepairIdentity & { status: RepairStatus; technicianId: number | null }): string {
  const heading = `Repair #${r.repairId} of unit ${oneLine(r.unitNumber)} for ${customerLabel(r.customerId, r.customerName)} (customer #${r.customerId})`;
  const facts = [
    `Damage: ${r.damageType !== null ? oneLine(r.damageType) : 'no type given'}`,
    `Description: ${excerpt(r.description, 200) || '(none)'}`,
    r.status === 'PENDING' ? 'Found in the field by staff, awaiting approval' : 'Requested by the customer',
    `Technician at start: ${r.technicianId !== null ? technicianLabel(r.technicianId) : 'none yet'}`,
  ];
  return [heading, '', ...facts.map((f) => `- ${f}`)].join('\n');
}

/** What the workflow's status loop is waiting on, with the times its timers fire. */
export type Waiting =
  /** retryAt null: asking for a technician right now. */
  | { for: 'assignment'; retryAt: number | null }
  | { for: 'approval'; reminderAt: number; escalationAt: number; remindedAt?: number; escalatedAt?: number }
  | null;
export type ApprovalWait = Extract<NonNullable<Waiting>, { for: 'approval' }>;

export interface RepairMoment {
  status: RepairStatus;
  technicianId: number | null;
  /** When the current wait began: the status was entered, or (outside PENDING) the technician changed. */
  since: number;
  waiting: Waiting;
}

/**
 * The moment after a move or an assignment. A new status starts a new wait (the status loop
 * says what it is); a new technician restarts the clock of a wait on the technician, but not
 * the customer's approval, which does not depend on who does the work.
 */
export function advance(m: RepairMoment, to: { status: RepairStatus; technicianId: number | null }, now: number): RepairMoment {
  if (to.status !== m.status) return { ...to, since: now, waiting: null };
  if (to.technicianId === m.technicianId) return m;
  const waiting = m.waiting?.for === 'assignment' ? null : m.waiting;
  return { ...to, since: to.status === 'PENDING' ? m.since : now, waiting };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const day = (ms: number) => {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
};
const clock = (ms: number) => {
  const d = new Date(ms);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
};

/**
 * Absolute times, as the text stays on screen for days: the first with its date and zone, later
 * ones with a date only when it is another day. (Relative words like "tomorrow" would go stale.)
 */
function timeline(anchor: number) {
  const first = `${day(anchor)} ${clock(anchor)} UTC`;
  const later = (ms: number) => (day(ms) === day(anchor) ? clock(ms) : `${day(ms)} ${clock(ms)}`);
  return { first, later };
}

/** "waiting for Fleet One to approve since Dec 1 10:02 UTC; reminder Dec 2 10:02, escalation Dec 3 10:02" */
export function currentDetails(m: RepairMoment, customer: string): string {
  const { first: since, later } = timeline(m.since);
  const tech = m.technicianId !== null ? technicianLabel(m.technicianId) : null;
  switch (m.status) {
    case 'REQUESTED': {
      if (tech !== null) return `waiting for ${tech} to send ${customer} an estimate since ${since}`;
      const w = m.waiting;
      if (w?.for === 'assignment' && w.retryAt !== null) {
        return `waiting for a technician since ${since}: none active; asking again at ${later(w.retryAt)}`;
      }
      return `waiting for a technician since ${since}: looking for the least loaded active one`;
    }
    case 'PENDING': {
      const wait = `waiting for ${customer} to approve since ${since}`;
      const w = m.waiting;
      if (w?.for !== 'approval') return wait;
      const reminder = w.remindedAt !== undefined ? `reminded ${later(w.remindedAt)}` : `reminder ${later(w.reminderAt)}`;
      const escalation =
        w.escalatedAt !== undefined ? `escalated to admins ${later(w.escalatedAt)}` : `escalation ${later(w.escalationAt)}`;
      return `${wait}; ${reminder}, ${escalation}`;
    }
    case 'APPROVED':
      return tech !== null
        ? `approved by ${customer}; waiting for ${tech} to start since ${since}`
        : `approved by ${customer}; waiting for an admin to assign a technician since ${since}`;
    case 'IN_PROGRESS':
      return tech !== null ? `in progress with ${tech} since ${since}` : `in progress since ${since}, no technician assigned`;
    case 'COMPLETED':
      return `completed ${since}${tech !== null ? ` by ${tech}` : ''}`;
    case 'DENIED':
      return `denied by ${customer} ${since}`;
  }
}
