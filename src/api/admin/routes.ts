import { z } from 'zod';
import { boundedTotal, type BoundedTotal } from '../../db/queries/bounded-total';
import { notificationStats } from '../../db/queries/notification-stats';
import { retryDelivery } from '../../use-cases/retry-delivery';
import { retryDeliveries } from '../../use-cases/retry-deliveries';
import { bigIdParam } from '../common/schemas';
import { defineRoute, type AnyRoute } from '../route';
import { deliveryLogSearch, notificationSearch } from './search';
import {
  adminNotificationQuery,
  adminNotificationSchema,
  bulkRetryBody,
  bulkRetryResponse,
  deliveryLogQuery,
  deliveryLogSchema,
  outboxMessageSchema,
  outboxQuery,
  searchPageOf,
  presentAdminNotification,
  presentDeliveryLog,
  presentOutboxMessage,
  statsSchema,
} from './schema';

const ADMIN = ['admin'] as const;

const totalOf = (t: BoundedTotal) => ({ total: t.total, totalExact: t.exact });

export const adminNotificationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/admin/notifications/stats',
    tag: 'admin',
    summary: 'Counts over all notifications: total, unread, urgent, sent by email, sent by SMS',
    access: ADMIN,
    response: statsSchema,
    // From the counts the triggers keep (migration 20261203130000), not a scan of every notification.
    handler: (_req, { db }) => notificationStats(db.knex),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/notifications',
    tag: 'admin',
    summary: "Every user's notifications, newest first; filter by user, repair, category, priority and createdAt (from/to, inclusive)",
    access: ADMIN,
    query: adminNotificationQuery,
    response: searchPageOf(adminNotificationSchema),
    handler: async ({ query }, { db }) => {
      const search = notificationSearch(db, query);
      const [results, total] = await Promise.all([
        search
          .clone()
          .orderBy([
            { column: 'createdAt', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        boundedTotal(db.knex, search.toKnexQuery()),
      ]);
      return { items: results.map(presentAdminNotification), page: query.page, pageSize: query.pageSize, ...totalOf(total) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/delivery-logs',
    tag: 'admin',
    summary:
      'Delivery attempts, newest first; filter by status, channel, recipient (the address, any case), userId, ' +
      'notificationId, errorCode and createdAt (from/to, inclusive)',
    access: ADMIN,
    query: deliveryLogQuery,
    response: searchPageOf(deliveryLogSchema),
    handler: async ({ query }, { db }) => {
      const search = deliveryLogSearch(db, query);
      const [results, total] = await Promise.all([
        search
          .clone()
          .orderBy('id', 'desc')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        boundedTotal(db.knex, search.toKnexQuery()),
      ]);
      return { items: results.map(presentDeliveryLog), page: query.page, pageSize: query.pageSize, ...totalOf(total) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/delivery-logs/retry',
    tag: 'admin',
    summary:
      "Retries several failed deliveries (1-500 ids), each by the single retry's rules, with an outcome per id: " +
      '`started` (with its workflowId), `refused` (with the reason the single retry would answer 409 with) or `not_found`',
    access: ADMIN,
    body: bulkRetryBody,
    status: 202,
    response: bulkRetryResponse,
    errors: [503],
    handler: async ({ body }, deps) => ({ results: await retryDeliveries(deps, body.ids) }),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/delivery-logs/:id/retry',
    tag: 'admin',
    summary:
      'Re-sends a failed delivery (same preferences and quiet-hours rules); 409 when it is not failed, ' +
      'the notification was since sent on that channel, a delivery is in progress, or this log was already retried',
    access: ADMIN,
    params: bigIdParam,
    status: 202,
    response: z.object({ workflowId: z.string() }),
    errors: [404, 409, 503],
    handler: ({ params }, deps) => retryDelivery(deps, params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/outbox',
    tag: 'admin',
    summary: "The local transport's sent messages, newest first; filter by notificationId, channel and recipient (to)",
    access: ADMIN,
    query: outboxQuery,
    response: searchPageOf(outboxMessageSchema),
    handler: async ({ query }, { db }) => {
      const q = db.models.OutboxMessage.query();
      if (query.notificationId !== undefined) q.where('notificationId', query.notificationId);
      if (query.channel) q.where('channel', query.channel);
      if (query.to) q.where('to', query.to);
      const [results, total] = await Promise.all([
        q
          .clone()
          .orderBy([
            { column: 'sentAt', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        boundedTotal(db.knex, q.toKnexQuery()),
      ]);
      return { items: results.map(presentOutboxMessage), page: query.page, pageSize: query.pageSize, ...totalOf(total) };
    },
  }),
];
