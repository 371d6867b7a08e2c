import { z } from 'zod';
import { recordIdText } from '../../domain/ids';
import type { Notification } from '../../db/models';
import { CATEGORIES, CHANNELS, PRIORITIES } from '../../domain/notifications/types';
import { timestamp } from '../common/schemas';

/** Paging as every list of the API takes it; spread into a route's query schema. */
export const pageFields = {
  page: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number().int('must be a whole number').min(1, 'must be 1-100').max(100, 'must be 1-100').default(20),
};

// z.coerce.boolean() would read "false" as true (any non-empty string is truthy).
const queryBoolean = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true');

export const notificationListQuery = z.object({
  isRead: queryBoolean.optional(),
  category: z.enum(CATEGORIES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  repairId: recordIdText.optional(),
  ...pageFields,
});

export const unreadListQuery = z.object(pageFields);

export const notificationSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  message: z.string(),
  category: z.enum(CATEGORIES),
  priority: z.enum(PRIORITIES),
  actionUrl: z.string().nullable(),
  repairId: z.number().int().nullable(),
  channels: z.array(z.enum(CHANNELS)),
  emailSent: z.boolean(),
  smsSent: z.boolean(),
  isRead: z.boolean(),
  readAt: timestamp.nullable(),
  createdAt: timestamp,
});

export type NotificationBody = z.output<typeof notificationSchema>;

export const notificationPage = z.object({
  items: z.array(notificationSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

const countsOf = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);

export const unreadCountSchema = z.object({
  count: z.number().int(),
  byCategory: countsOf(CATEGORIES),
  byPriority: countsOf(PRIORITIES),
});

/** The notification as clients see it; `content` (rendered email/SMS) and the event link stay inside. */
export function presentNotification(n: Notification): NotificationBody {
  return {
    id: n.id,
    title: n.title,
    message: n.message,
    category: n.category,
    priority: n.priority,
    actionUrl: n.actionUrl,
    repairId: n.repairId,
    channels: n.channels,
    emailSent: n.emailSent,
    smsSent: n.smsSent,
    isRead: n.isRead,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}
