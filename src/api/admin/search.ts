import type { z } from 'zod';
import type { Db } from '../../db';
import type { adminNotificationQuery, deliveryLogQuery } from './schema';

type Range = { from?: string; to?: string };

function inRange<Q extends { where(column: string, op: string, value: Date): unknown }>(q: Q, column: string, range: Range): void {
  if (range.from !== undefined) q.where(column, '>=', new Date(range.from));
  if (range.to !== undefined) q.where(column, '<=', new Date(range.to));
}

/** The admin search over all notifications, unordered (the route orders and pages it). */
export function notificationSearch(db: Db, query: z.output<typeof adminNotificationQuery>) {
  const q = db.models.Notification.query();
  if (query.userId !== undefined) q.where('userId', query.userId);
  if (query.repairId !== undefined) q.where('repairId', query.repairId);
  if (query.category) q.where('category', query.category);
  if (query.priority) q.where('priority', query.priority);
  inRange(q, 'createdAt', query);
  return q;
}

/** The delivery-log search, unordered. */
export function deliveryLogSearch(db: Db, query: z.output<typeof deliveryLogQuery>) {
  const q = db.models.DeliveryLog.query();
  if (query.status) q.where('status', query.status);
  if (query.channel) q.where('channel', query.channel);
  // Email addresses are stored as the user wrote them; the index is on lower(recipient).
  if (query.recipient !== undefined) q.whereRaw('lower(recipient) = lower(?)', [query.recipient]);
  if (query.userId !== undefined) {
    q.whereIn('notificationId', db.knex('notifications').select('id').where('userId', query.userId));
  }
  if (query.notificationId !== undefined) q.where('notificationId', query.notificationId);
  if (query.errorCode !== undefined) q.where('errorCode', query.errorCode);
  inRange(q, 'createdAt', query);
  return q;
}
