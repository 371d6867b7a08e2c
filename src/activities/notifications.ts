import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { EVENT_RULES, type EventType } from '../domain/events';
import { SECRET_PLACEHOLDER } from '../domain/notifications/account';
import { channelsFor } from '../domain/notifications/channels';
import type { DeliveryContext, DeliveryPlan } from '../domain/notifications/delivery';
import { repairEventContext } from '../domain/notifications/template-contexts';
import { renderTemplate } from '../domain/notifications/templates';
import type { DeliveryChannel } from '../domain/notifications/types';
import { portalLinks } from '../domain/portals';
import type { Role } from '../domain/roles';
import type { Notification, NotificationEvent } from '../db/models';
import { deliveryContextsOf } from '../db/queries/delivery-contexts';
import { announce } from '../db/queries/live-events';
import { activeTemplate, brandSettings } from '../db/queries/templates';
import { approvalLinksOf } from './approval-links';
import type { ActivityDeps } from './deps';
import { metric } from '../transports/metrics';

interface Recipient {
  id: number;
  username: string;
  role: Role;
}

/** Events into in-app notifications, and what their deliveries need to know. */
export function createNotificationActivities({ db, metrics, portals, approvalLinkTtlMs }: ActivityDeps) {
  const { Notification, NotificationEvent } = db.models;
  const portal = portalLinks(portals);

  async function recipientsOf(trx: Knex.Transaction, event: NotificationEvent): Promise<Recipient[]> {
    const p = event.payload;
    const users = trx('users as u').where('u.is_active', true).select('u.id', 'u.username', 'u.role').orderBy('u.id');
    switch (EVENT_RULES[event.type as EventType].recipients) {
      case 'customer_users':
        return users.join('customer_users as cu', 'cu.user_id', 'u.id').where('cu.customer_id', Number(p.customerId));
      case 'technician':
      case 'previous_technician':
        if (p.technicianId === null || p.technicianId === undefined) return [];
        return users.join('technicians as t', 't.user_id', 'u.id').where('t.id', Number(p.technicianId));
      case 'admins':
        return users.where('u.role', 'admin');
    }
  }

  /** Creates the in-app notifications of one event (one per recipient), idempotently. */
  async function materialize(event: NotificationEvent): Promise<Notification[]> {
    const rules = EVENT_RULES[event.type as EventType];
    const channels = channelsFor(rules.priority);
    return db.knex.transaction(async (trx) => {
      const existing = await Notification.query(trx).where('eventId', event.id);
      const recipients = await recipientsOf(trx, event);
      const missing = recipients.filter((r) => !existing.some((n) => n.userId === r.id));
      if (missing.length === 0) {
        await trx('notification_events').where('id', event.id).update({ processed_at: new Date() });
        return existing;
      }
      const [template, brand] = await Promise.all([activeTemplate(db, trx, event.type), brandSettings(trx)]);
      const p = event.payload;
      const links = approvalLinksOf(event, portal, approvalLinkTtlMs);
      const rows = missing.map((r) => {
        // Each recipient's link opens their own portal.
        const actionUrl = event.repairId ? portal.repairLink(r.role, event.repairId) : null;
        const approvalUrl = links.urlFor(r.id);
        const context = repairEventContext(p, { repairId: event.repairId, recipient: { username: r.username }, actionUrl, approvalUrl });
        const rendered = renderTemplate(template, context, brand);
        // The in-app copy (and every list of notifications) never shows a working link.
        const inApp = approvalUrl ? renderTemplate(template, { ...context, approvalUrl: SECRET_PLACEHOLDER }, brand) : rendered;
        return {
          userId: r.id,
          eventId: event.id,
          repairId: event.repairId,
          title: inApp.title,
          message: inApp.message,
          category: rules.category,
          priority: rules.priority,
          actionUrl,
          channels,
          content: { emailSubject: rendered.emailSubject, emailHtml: rendered.emailHtml, emailText: rendered.emailText, sms: rendered.sms },
        };
      });
      const inserted = await trx('notifications')
        .insert(rows.map((r) => ({ ...r, channels: JSON.stringify(r.channels), content: JSON.stringify(r.content) })))
        .onConflict(['event_id', 'user_id'])
        .ignore()
        .returning<{ id: number; userId: number }[]>(['id', 'userId']);
      await links.record(trx, inserted);
      await trx('notification_events').where('id', event.id).update({ processed_at: new Date() });
      // What a portal needs to show it and link it; the full notification is GET /api/notifications.
      const byUser = new Map(rows.map((r) => [r.userId, r]));
      await announce(
        trx,
        inserted.map((n) => {
          const r = byUser.get(n.userId)!;
          return {
            type: 'notification' as const,
            userId: n.userId,
            repairId: event.repairId,
            payload: {
              id: n.id,
              repairId: event.repairId,
              title: r.title,
              category: r.category,
              priority: r.priority,
              actionUrl: r.actionUrl,
            },
          };
        }),
      );
      for (let i = 0; i < inserted.length; i++) metrics.record(metric.created(rules.priority, rules.category));
      return Notification.query(trx).where('eventId', event.id);
    });
  }

  const contextsOf = (ids: number[]) => deliveryContextsOf(db, ids);

  return {
    /**
     * Turns a repair's events after `afterEventId` into notifications and returns what to deliver.
     * Idempotent: a retry returns the same plans, and the watermark lives in the workflow.
     */
    async dispatchRepairEvents(repairId: number, afterEventId: number): Promise<{ plans: DeliveryPlan[]; watermark: number }> {
      const events = await NotificationEvent.query().where('repairId', repairId).where('id', '>', afterEventId).orderBy('id');
      const plans: DeliveryPlan[] = [];
      for (const event of events) {
        for (const n of await materialize(event)) {
          const channels = n.channels.filter((c): c is DeliveryChannel => c !== 'in_app');
          if (channels.length) plans.push({ notificationId: n.id, channels });
        }
      }
      const contexts = await contextsOf(plans.map((p) => p.notificationId));
      return { plans: plans.map((p) => ({ ...p, context: contexts.get(p.notificationId) })), watermark: events.at(-1)?.id ?? afterEventId };
    },

    async loadDeliveryContext(notificationId: number): Promise<DeliveryContext> {
      const context = (await contextsOf([notificationId])).get(notificationId);
      if (!context) throw ApplicationFailure.nonRetryable(`notification ${notificationId} does not exist`, 'NotificationMissing');
      return context;
    },
  };
}
