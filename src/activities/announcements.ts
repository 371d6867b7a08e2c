import { ApplicationFailure } from '@temporalio/activity';
import { ANNOUNCEMENT_TEMPLATE } from '../domain/notifications/announcements';
import { channelsFor } from '../domain/notifications/channels';
import type { DeliveryPlan } from '../domain/notifications/delivery';
import { renderTemplate } from '../domain/notifications/templates';
import type { DeliveryChannel } from '../domain/notifications/types';
import type { Notification } from '../db/models';
import { audienceUsers } from '../db/queries/audience';
import { deliveryContextsOf } from '../db/queries/delivery-contexts';
import { activeTemplate, brandSettings } from '../db/queries/templates';
import { metric } from '../transports/metrics';
import type { ActivityDeps } from './deps';

export interface AnnouncementPage {
  /** What to deliver by email/SMS, with the contexts to decide it (none for a LOW announcement). */
  plans: DeliveryPlan[];
  /** Users of this page, each with their one notification of the announcement. */
  recipients: number;
  /** Where the next page starts: the last user id of this one. */
  lastUserId: number;
  /** No user after this page. */
  done: boolean;
}

/** An announcement into in-app notifications, a page of its audience at a time. */
export function createAnnouncementActivities({ db, metrics }: ActivityDeps) {
  const { Announcement, Notification } = db.models;

  return {
    /**
     * The notifications of the next `pageSize` active users of the announcement's audience after
     * `afterUserId` (by id), and their deliveries. Idempotent: a retry finds the rows its earlier
     * attempt wrote (one per announcement and user, by a unique key) and returns the same plans.
     */
    async createAnnouncementPage(announcementId: number, afterUserId: number, pageSize: number): Promise<AnnouncementPage> {
      const a = await Announcement.query().findById(announcementId);
      if (!a) throw ApplicationFailure.nonRetryable(`announcement ${announcementId} does not exist`, 'AnnouncementMissing');
      const users: { id: number; username: string }[] = await audienceUsers(db.knex, a.audience)
        .where('users.id', '>', afterUserId)
        .orderBy('users.id')
        .limit(pageSize)
        .select('users.id', 'users.username');
      if (users.length === 0) return { plans: [], recipients: 0, lastUserId: afterUserId, done: true };

      const userIds = users.map((u) => u.id);
      const existing = new Set<number>(
        await db.knex('notifications').where('announcementId', a.id).whereIn('userId', userIds).pluck('userId'),
      );
      const missing = users.filter((u) => !existing.has(u.id));
      const channels = channelsFor(a.priority);
      if (missing.length > 0) {
        const [template, brand] = await Promise.all([activeTemplate(db, db.knex, ANNOUNCEMENT_TEMPLATE), brandSettings(db.knex)]);
        const rows = missing.map((u) => {
          const r = renderTemplate(template, { title: a.title, message: a.message, recipient: { username: u.username } }, brand);
          const content = { emailSubject: r.emailSubject, emailHtml: r.emailHtml, emailText: r.emailText, sms: r.sms };
          return {
            userId: u.id,
            announcementId: a.id,
            // A template version may word the title longer than the admin's; the column holds 200.
            title: r.title.slice(0, 200),
            message: r.message,
            category: 'system',
            priority: a.priority,
            channels: JSON.stringify(channels),
            content: JSON.stringify(content),
          };
        });
        const inserted = await db.knex('notifications').insert(rows).onConflict(['announcementId', 'userId']).ignore().returning('id');
        for (let i = 0; i < inserted.length; i++) metrics.record(metric.created(a.priority, 'system'));
      }

      const delivered = channels.filter((c): c is DeliveryChannel => c !== 'in_app');
      const notifications: Pick<Notification, 'id'>[] =
        delivered.length === 0
          ? []
          : await Notification.query().where('announcementId', a.id).whereIn('userId', userIds).select('id').orderBy('id');
      const contexts = await deliveryContextsOf(
        db,
        notifications.map((n) => n.id),
      );
      return {
        plans: notifications.map((n) => ({ notificationId: n.id, channels: delivered, context: contexts.get(n.id) })),
        recipients: users.length,
        lastUserId: userIds.at(-1)!,
        done: users.length < pageSize,
      };
    },
  };
}
