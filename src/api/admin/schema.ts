import { z } from 'zod';
import type { DeliveryLog, OutboxMessage } from '../../db/models';
import { timestamp } from '../common/schemas';
import { pageFields } from '../notifications/schema';

const DELIVERY_CHANNELS = ['email', 'sms'] as const;
const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;

export const statsSchema = z.object({
  total: z.number().int(),
  unread: z.number().int(),
  urgent: z.number().int(),
  emailSent: z.number().int(),
  smsSent: z.number().int(),
});

export const deliveryLogQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  ...pageFields,
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
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const outboxQuery = z.object({
  notificationId: z.coerce.number().int('must be a whole number').positive('must be a positive integer').optional(),
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
