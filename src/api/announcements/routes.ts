import { z } from 'zod';
import { announce, IDEMPOTENCY_HEADER } from '../../use-cases/announce';
import { pageOf } from '../admin/schema';
import { validationFailed } from '../errors';
import { pageFields } from '../notifications/schema';
import { defineRoute, type AnyRoute } from '../route';
import {
  announcementBody,
  announcementSchema,
  announcementStarted,
  IDEMPOTENCY_KEY,
  presentAnnouncement,
  type AnnouncementCounts,
} from './schema';

const ADMIN = ['admin'] as const;

export const announcementRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/admin/announcements',
    tag: 'admin',
    summary:
      'Announces to every active user of an audience: a `system` notification each, delivered like any other ' +
      '(priority channels, preferences, quiet hours, URGENT bypass). Send an `Idempotency-Key` header to make a ' +
      'repeated request answer with the announcement it already made (409 if the key was used for another one)',
    access: ADMIN,
    body: announcementBody,
    status: 202,
    response: announcementStarted,
    errors: [409, 503],
    handler: ({ body, user, ctx }, deps) => {
      const key = ctx.get(IDEMPOTENCY_HEADER);
      if (key !== '' && !IDEMPOTENCY_KEY.test(key)) {
        throw validationFailed({ [IDEMPOTENCY_HEADER]: 'must be 1-100 letters, digits, ".", "_", ":" or "-"' });
      }
      return announce(deps, user.id, body, key === '' ? undefined : key);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/announcements',
    tag: 'admin',
    summary: 'Announcements, newest first, with how many users got each, read it, and were sent it by email and SMS',
    access: ADMIN,
    query: z.object(pageFields),
    response: pageOf(announcementSchema),
    handler: async ({ query }, { db }) => {
      const { results, total } = await db.models.Announcement.query()
        .orderBy('id', 'desc')
        .page(query.page - 1, query.pageSize);
      // Aliases are snake_case: the knex mappers turn result keys (not raw SQL) into camelCase.
      const rows: (AnnouncementCounts & { announcementId: number })[] = results.length
        ? await db
            .knex('notifications')
            .whereIn(
              'announcementId',
              results.map((a) => a.id),
            )
            .groupBy('announcementId')
            .select(
              'announcementId',
              db.knex.raw(
                'count(*)::int as recipients, (count(*) filter (where is_read))::int as read, ' +
                  '(count(*) filter (where email_sent))::int as email_sent, (count(*) filter (where sms_sent))::int as sms_sent',
              ),
            )
        : [];
      const counts = new Map(rows.map(({ announcementId, ...c }) => [announcementId, c]));
      return {
        items: results.map((a) => presentAnnouncement(a, counts.get(a.id))),
        page: query.page,
        pageSize: query.pageSize,
        total,
      };
    },
  }),
];
