import { raw } from 'objection';
import { z } from 'zod';
import { announce } from '../../db/queries/live-events';
import { CATEGORIES, PRIORITIES, type Category, type Priority } from '../../domain/notifications/types';
import { bigIdParam } from '../common/schemas';
import type { AppDeps, AuthUser } from '../context';
import { notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import {
  notificationListQuery,
  notificationPage,
  notificationSchema,
  presentNotification,
  unreadCountSchema,
  unreadListQuery,
} from './schema';

const ALL = ['customer', 'technician', 'admin'] as const;

type ListFilters = z.output<typeof notificationListQuery>;

/** The caller's own notifications only: nobody lists anyone else's, admins included. */
async function listOwn(deps: AppDeps, user: AuthUser, f: ListFilters) {
  const q = deps.db.models.Notification.query().where('userId', user.id);
  if (f.isRead !== undefined) q.where('isRead', f.isRead);
  if (f.category) q.where('category', f.category);
  if (f.priority) q.where('priority', f.priority);
  if (f.repairId !== undefined) q.where('repairId', f.repairId);
  // One event's notifications share a created_at (one transaction); the id keeps the order stable across pages.
  const { results, total } = await q
    .orderBy([
      { column: 'createdAt', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .page(f.page - 1, f.pageSize);
  return { items: results.map(presentNotification), page: f.page, pageSize: f.pageSize, total };
}

export const notificationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/notifications',
    tag: 'notifications',
    summary: "The caller's notifications, newest first; filter by isRead, category, priority, repairId",
    access: ALL,
    query: notificationListQuery,
    response: notificationPage,
    handler: ({ query, user }, deps) => listOwn(deps, user, query),
  }),
  defineRoute({
    method: 'get',
    path: '/notifications/unread',
    tag: 'notifications',
    summary: "The caller's unread notifications, newest first",
    access: ALL,
    query: unreadListQuery,
    response: notificationPage,
    handler: ({ query, user }, deps) => listOwn(deps, user, { ...query, isRead: false }),
  }),
  defineRoute({
    method: 'get',
    path: '/notifications/unread-count',
    tag: 'notifications',
    summary: "How many of the caller's notifications are unread, in total, by category and by priority (zeros included)",
    access: ALL,
    response: unreadCountSchema,
    handler: async ({ user }, { db }) => {
      const rows = (await db
        .knex('notifications')
        .where({ userId: user.id, isRead: false })
        .select('category', 'priority')
        .count({ n: '*' })
        .groupBy('category', 'priority')) as unknown as { category: Category; priority: Priority; n: number }[];
      const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
      const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
      let count = 0;
      for (const r of rows) {
        byCategory[r.category] += r.n;
        byPriority[r.priority] += r.n;
        count += r.n;
      }
      return { count, byCategory, byPriority };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/read-all',
    tag: 'notifications',
    summary: "Marks all the caller's unread notifications read; answers how many that was",
    access: ALL,
    response: z.object({ count: z.number().int() }),
    handler: async ({ user }, { db }) =>
      db.knex.transaction(async (trx) => {
        const read = await db.models.Notification.query(trx)
          .patch({ isRead: true, readAt: raw('now()') })
          .where({ userId: user.id, isRead: false })
          .returning('id');
        const ids = read.map((n) => n.id);
        // The caller's other tabs and devices clear their badges too.
        if (ids.length) await announce(trx, [{ type: 'notification_read', userId: user.id, payload: { ids, all: true } }]);
        return { count: ids.length };
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/:id/read',
    tag: 'notifications',
    summary: "Marks one of the caller's notifications read (reading it again keeps the first readAt); 404 for anyone else's",
    access: ALL,
    params: bigIdParam,
    response: notificationSchema,
    errors: [404],
    handler: async ({ params, user }, { db }) => {
      // One statement, so two concurrent reads cannot both set readAt: the first one wins.
      return db.knex.transaction(async (trx) => {
        const [n] = await db.models.Notification.query(trx)
          .patch({ isRead: true, readAt: raw('coalesce(read_at, now())') })
          .where({ id: params.id, userId: user.id })
          .returning('*');
        if (!n) throw notFound('Notification');
        await announce(trx, [{ type: 'notification_read', userId: user.id, payload: { ids: [n.id], all: false } }]);
        return presentNotification(n);
      });
    },
  }),
];
