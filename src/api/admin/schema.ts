import { z } from 'zod';
import { EXACT_TOTAL_UP_TO } from '../../db/queries/bounded-total';
import { bigRecordIdText, recordIdText } from '../../domain/ids';
import type { DeliveryLog, Notification, OutboxMessage } from '../../db/models';
import { CATEGORIES, PRIORITIES } from '../../domain/notifications/types';
import { timestamp } from '../common/schemas';
import { notificationSchema, pageFields, presentNotification } from '../notifications/schema';

const DELIVERY_CHANNELS = ['email', 'sms'] as const;
const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;

export const statsSchema = z.object({
  total: z.number().int(),
  unread: z.number().int(),
  urgent: z.number().int(),
  emailSent: z.number().int(),
  smsSent: z.number().int(),
});

const positiveId = recordIdText;
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-12-01T09:00:00Z' });

/** A `createdAt` range, both ends included. */
const createdRange = { from: instant.optional(), to: instant.optional() };
function rangeInOrder(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to)) return;
  ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
}

export const deliveryLogQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    channel: z.enum(DELIVERY_CHANNELS).optional(),
    /** The address sent to (email in any case, or E.164 number). */
    recipient: z.string().trim().min(1, 'must not be empty').max(254, 'must be at most 254 characters').optional(),
    /** The recipient user, whatever the address (suppressed attempts have none). */
    userId: positiveId.optional(),
    notificationId: bigRecordIdText.optional(),
    errorCode: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
    ...createdRange,
    ...pageFields,
  })
  .superRefine(rangeInOrder);

export const adminNotificationQuery = z
  .object({
    userId: positiveId.optional(),
    repairId: positiveId.optional(),
    category: z.enum(CATEGORIES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    ...createdRange,
    ...pageFields,
  })
  .superRefine(rangeInOrder);

export const adminNotificationSchema = notificationSchema.extend({
  userId: z.number().int(),
  announcementId: z.number().int().nullable(),
});

export function presentAdminNotification(n: Notification): z.output<typeof adminNotificationSchema> {
  return { ...presentNotification(n), userId: n.userId, announcementId: n.announcementId };
}

export const bulkRetryBody = z.object({
  ids: z
    .array(z.number().int('must be whole numbers').positive('must be positive integers'))
    .min(1, 'must list 1 to 500 delivery log ids')
    .max(500, 'must list 1 to 500 delivery log ids')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id'),
});

export const bulkRetryResponse = z.object({
  results: z.array(
    z.object({
      id: z.number().int(),
      status: z.enum(['started', 'refused', 'not_found']),
      workflowId: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
});

export const deliveryLogSchema = z.object({
  id: z.number().int(),
  notificationId: z.number().int(),
  channel: z.enum(DELIVERY_CHANNELS),
  status: z.enum(DELIVERY_STATUSES),
  attempt: z.number().int(),
  recipient: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  costEstimate: z.number().nullable(),
  /** What SES reported after accepting the email (over SNS), and when; null until it does. */
  feedback: z.enum(['delivered', 'bounced', 'complained']).nullable(),
  feedbackAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const outboxQuery = z.object({
  notificationId: bigRecordIdText.optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  to: z.string().trim().min(1).max(254).optional(),
  ...pageFields,
});

export const outboxMessageSchema = z.object({
  id: z.number().int(),
  channel: z.enum(DELIVERY_CHANNELS),
  to: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  /** The notification the message belongs to, or null for a daily digest (then `digestId` is set). */
  notificationId: z.number().int().nullable(),
  digestId: z.number().int().nullable(),
  sentAt: timestamp,
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

/** A page of an admin search over a table that grows for years: its total is bounded (src/db/queries/bounded-total.ts). */
export const searchPageOf = <T extends z.ZodType>(item: T) =>
  pageOf(item).extend({
    total: z.number().int().describe(`exact up to ${EXACT_TOTAL_UP_TO} matches; beyond, PostgreSQL's estimate`),
    totalExact: z.boolean().describe(`false when more than ${EXACT_TOTAL_UP_TO} matched and total is an estimate`),
  });

export function presentDeliveryLog(l: DeliveryLog): z.output<typeof deliveryLogSchema> {
  return {
    id: l.id,
    notificationId: l.notificationId,
    channel: l.channel,
    status: l.status,
    attempt: l.attempt,
    recipient: l.recipient,
    providerMessageId: l.providerMessageId,
    errorCode: l.errorCode,
    errorMessage: l.errorMessage,
    costEstimate: l.costEstimate,
    feedback: l.feedback ?? null,
    feedbackAt: l.feedbackAt ? new Date(l.feedbackAt).toISOString() : null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

/** The stored HTML stays out: the text body is what was sent alongside it, and the list stays small. */
export function presentOutboxMessage(m: OutboxMessage): z.output<typeof outboxMessageSchema> {
  return {
    id: m.id,
    channel: m.channel,
    to: m.to,
    subject: m.subject,
    body: m.body,
    notificationId: m.notificationId,
    digestId: m.digestId,
    sentAt: m.sentAt.toISOString(),
  };
}
