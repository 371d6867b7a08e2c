import { carriesApprovalLink, SAMPLE_APPROVAL_TOKEN } from '../approval-links';
import { COMMENT_TEMPLATE, commentSample } from '../comments';
import { EVENT_RULES, type EventType } from '../events';
import { portalLinks, type PortalLinks, type PortalUrls } from '../portals';
import type { Role } from '../roles';
import { ACCOUNT_TEMPLATE_SAMPLES } from './account';
import { digestListHtml, digestListText, type DigestItem } from './digest';
import type { BrandSettings } from './templates';

/**
 * The one registry of what each template is rendered with. The senders build their context with
 * the builders below (src/activities/notifications.ts, src/activities/digests.ts), and the admin
 * console checks and previews drafts with the samples, so a sample cannot say what a sender does
 * not. A template of another module (password reset, address verification...) adds its entry to
 * TEMPLATE_CONTEXTS; a template with no entry may use only its requiredContext and brand.*.
 */

const MONEY_FIELDS = ['estimatedCost', 'cost', 'discountedCost'] as const;

export const formatMoney = (v: unknown): string => (typeof v === 'number' ? `$${v.toFixed(2)}` : 'to be confirmed');

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * What a repair event's notification is rendered with: the event's payload, the repair, the
 * recipient, the link, and the payload's amounts formatted. Only amounts the event carries are in
 * scope, so `{{ cost }}` cannot be used where the event has no cost. `approvalUrl` (the recipient's
 * approve-from-the-message link) only for the events that carry one (domain/approval-links.ts).
 */
export function repairEventContext(
  payload: Record<string, unknown>,
  at: { repairId: number | null; recipient: { username: string }; actionUrl: string | null; approvalUrl?: string },
): Record<string, unknown> {
  const amounts = Object.fromEntries(MONEY_FIELDS.filter((k) => has(payload, k)).map((k) => [k, formatMoney(payload[k])]));
  return {
    ...payload,
    repair: { id: at.repairId, unitNumber: payload.unitNumber, status: payload.status },
    recipient: { username: at.recipient.username },
    actionUrl: at.actionUrl,
    ...(at.approvalUrl === undefined ? {} : { approvalUrl: at.approvalUrl }),
    ...amounts,
  };
}

/** What the daily digest's greeting is rendered with; its list is appended by code. */
export const digestContext = (username: string, count: number, day: string): Record<string, unknown> => ({
  recipient: { username },
  count,
  date: day,
});

export interface TemplateContextSpec {
  /** A context shaped exactly like the sender's, with believable values (links into the recipient's portal). */
  sample(links: PortalLinks): Record<string, unknown>;
  /** What the sender places after the body (the digest's list), shown by previews. */
  appended?(links: PortalLinks): { html: string; text: string };
}

const SAMPLE_REPAIR_ID = 1042;

// Payloads as src/activities/repairs.ts and src/use-cases/create-repair.ts record them: the
// repair's fields, then what the move adds. Typed by EventType, so a new event needs its sample.
const base = (status: string, extra: Record<string, unknown> = {}) => ({
  repairId: SAMPLE_REPAIR_ID,
  customerId: 7,
  technicianId: 3,
  unitNumber: 'TRK-107',
  status,
  ...extra,
});
const SAMPLE_PAYLOADS: Record<EventType, Record<string, unknown>> = {
  approval_requested: base('PENDING', { estimatedCost: 85 }),
  repair_approved: base('APPROVED'),
  repair_denied: base('DENIED', { reason: 'The crack is longer than 6 inches' }),
  technician_assigned: base('REQUESTED'),
  technician_unassigned: base('APPROVED', { newTechnicianId: 4 }),
  work_started: base('IN_PROGRESS'),
  work_completed: base('COMPLETED', { cost: 50, discountedCost: 45 }),
  batch_approved: base('APPROVED', { batchId: 'B-2026-11' }),
  batch_denied: base('DENIED', { batchId: 'B-2026-11', reason: 'Not in this budget' }),
  reward_applied: base('IN_PROGRESS', { redemptionId: 12, rewardName: '$5 off a repair', cost: 50, discountedCost: 45 }),
  approval_reminder: base('PENDING'),
  approval_escalation: base('PENDING'),
};

// Whom each event tells, as a role: a preview links into the portal its recipients use.
const RECIPIENT_ROLES: Record<(typeof EVENT_RULES)[EventType]['recipients'], Role> = {
  customer_users: 'customer',
  technician: 'technician',
  previous_technician: 'technician',
  admins: 'admin',
};

const repairEventSpec = (type: EventType): TemplateContextSpec => ({
  sample: (links) =>
    repairEventContext(SAMPLE_PAYLOADS[type], {
      repairId: SAMPLE_REPAIR_ID,
      recipient: { username: 'alex' },
      actionUrl: links.repairLink(RECIPIENT_ROLES[EVENT_RULES[type].recipients], SAMPLE_REPAIR_ID),
      ...(carriesApprovalLink(type) ? { approvalUrl: links.approvalLink(SAMPLE_APPROVAL_TOKEN) } : {}),
    }),
});

// The digest's sample reader is a customer (alex), like the other samples.
const SAMPLE_DIGEST_ITEMS = (links: PortalLinks): DigestItem[] => [
  {
    title: 'Work started on unit TRK-107',
    message: 'Our technician started repair #1042 on unit TRK-107.',
    priority: 'MEDIUM',
    actionUrl: links.repairLink('customer', 1042),
    createdAt: new Date('2026-12-01T09:30:00Z'),
  },
  {
    title: 'Repair completed: unit TRK-88',
    message: 'Repair #1038 on unit TRK-88 is complete. Cost: $40.00, to pay: $40.00.',
    priority: 'HIGH',
    actionUrl: links.repairLink('customer', 1038),
    createdAt: new Date('2026-12-01T08:10:00Z'),
  },
];

export const TEMPLATE_CONTEXTS: Readonly<Record<string, TemplateContextSpec>> = {
  ...Object.fromEntries((Object.keys(EVENT_RULES) as EventType[]).map((type) => [type, repairEventSpec(type)])),
  daily_digest: {
    sample: () => digestContext('alex', 2, '2026-12-01'),
    appended: (links) => ({
      html: digestListHtml(SAMPLE_DIGEST_ITEMS(links), 0, links.portalUrl('customer')),
      text: digestListText(SAMPLE_DIGEST_ITEMS(links), 0, links.portalUrl('customer')),
    }),
  },
  ...Object.fromEntries(Object.entries(ACCOUNT_TEMPLATE_SAMPLES).map(([name, sample]) => [name, { sample }])),
  // What db/queries/comment-notices.ts renders each recipient's copy with.
  [COMMENT_TEMPLATE]: { sample: commentSample },
  // What activities/announcements.ts renders each recipient's copy with.
  announcement: {
    sample: () => ({
      title: 'Closed for the holiday',
      message: 'Our shop is closed on December 25; field crews still answer urgent calls.',
      recipient: { username: 'alex' },
    }),
  },
};

// Exhaustive over BrandSettings: a new brand field is a new variable without anyone listing it.
const BRAND_FIELDS: Record<keyof BrandSettings, true> = {
  companyName: true,
  logoUrl: true,
  primaryColor: true,
  accentColor: true,
  footerText: true,
};
export const BRAND_VARIABLES: readonly string[] = Object.keys(BRAND_FIELDS).map((k) => `brand.${k}`);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.toString.call(v) === '[object Object]';

/** Every path to a value that is not an object ("repair.id", "reason"): what a placeholder may name. */
export function leafPaths(context: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(context).flatMap(([key, value]) =>
    isPlainObject(value) && Object.keys(value).length > 0 ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** Sets `a.b.c` in a fresh nested object (for the synthesized samples of unregistered templates). */
function withPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

export interface TemplateContext {
  /** False for a template with no registry entry: its contract is its requiredContext alone. */
  registered: boolean;
  sample: Record<string, unknown>;
  /** Placeholders a version of this template may use, brand.* included. */
  variables: string[];
  appended?: { html: string; text: string };
}

/** The context a template is rendered with, from the registry or, unregistered, from its requiredContext. */
export function templateContext(name: string, requiredContext: readonly string[], portals: PortalUrls): TemplateContext {
  const spec = has(TEMPLATE_CONTEXTS, name) ? TEMPLATE_CONTEXTS[name] : undefined;
  if (spec) {
    const links = portalLinks(portals);
    const sample = spec.sample(links);
    return { registered: true, sample, variables: [...leafPaths(sample), ...BRAND_VARIABLES], appended: spec.appended?.(links) };
  }
  const own = requiredContext.filter((p) => !p.startsWith('brand.'));
  const sample: Record<string, unknown> = {};
  for (const path of own) withPath(sample, path, `[${path}]`);
  return { registered: false, sample, variables: [...new Set([...own, ...BRAND_VARIABLES])] };
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The sample with an admin's values laid over it, object by object (a preview's `context`). */
export function overlayContext(sample: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sample };
  for (const [key, value] of Object.entries(over)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? overlayContext(current, value) : value;
  }
  return out;
}
