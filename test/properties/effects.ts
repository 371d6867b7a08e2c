import { loadPreferencesOf } from '../../src/db/queries/preferences';
import type { EventType } from '../../src/domain/events';
import { decideDelivery } from '../../src/domain/notifications/decide';
import type { Category, DeliveryChannel, Priority } from '../../src/domain/notifications/types';
import type { World } from './world';

/**
 * What the moves that took effect imply by the spec's rules, apart from how checkRepair waits for a
 * repair to settle: the events of each history row, and the sends each notification's recipient allows.
 */

export interface Row {
  moveId: string;
  move: string;
  fromStatus: string | null;
  toStatus: string;
  byUserId: number | null;
  role: string;
  technicianId: number | null;
}

/** The events a history row must have recorded, and the technician each names, by the spec's table. */
export function eventsOf(row: Row, previous: Row | undefined): Array<{ type: EventType; technicianId: number | null }> {
  const tech = row.technicianId;
  switch (row.move) {
    case 'create':
      return [
        ...(row.toStatus === 'PENDING' ? [{ type: 'approval_requested' as const, technicianId: tech }] : []),
        ...(tech !== null && row.role !== 'technician' ? [{ type: 'technician_assigned' as const, technicianId: tech }] : []),
      ];
    case 'assign': {
      const before = previous?.technicianId ?? null;
      const away = row.role !== 'system' && before !== null && before !== tech;
      return [
        { type: 'technician_assigned', technicianId: tech },
        ...(away ? [{ type: 'technician_unassigned' as const, technicianId: before }] : []),
      ];
    }
    case 'submit':
      return [{ type: 'approval_requested', technicianId: tech }];
    case 'approve':
      return [{ type: 'repair_approved', technicianId: tech }];
    case 'deny':
      return [{ type: 'repair_denied', technicianId: tech }];
    case 'start':
      return [{ type: 'work_started', technicianId: tech }];
    case 'complete':
      return [{ type: 'work_completed', technicianId: tech }];
  }
  return [];
}

export interface StoredNotification {
  id: number;
  eventId: number;
  userId: number;
  priority: Priority;
  category: Category;
  channels: string[];
}
interface Address {
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
}

/** A query's rows, typed (knex's builder types do not carry selected columns; the mappers make keys camelCase). */
export async function typed<T>(q: PromiseLike<unknown>): Promise<T[]> {
  return (await q) as T[];
}

/** Expected (notification, channel) pairs from the stored notifications and each recipient's settings, against the logs and outbox. */
export async function deliveryPairs(world: World, notifications: StoredNotification[]) {
  const k = world.h.db.knex;
  const problems: string[] = [];
  if (notifications.length === 0) return { problems };
  const ids = notifications.map((n) => n.id);
  const userIds = [...new Set(notifications.map((n) => n.userId))];
  const users = new Map(
    (
      await typed<Address & { id: number }>(
        k('users').whereIn('id', userIds).select('id', 'email', 'email_verified', 'phone', 'phone_verified'),
      )
    ).map((u) => [u.id, u]),
  );
  const prefs = await loadPreferencesOf(k, userIds);
  const logs = await typed<{ notificationId: number; channel: string; status: string }>(
    k('delivery_logs').whereIn('notification_id', ids).select('notification_id', 'channel', 'status'),
  );
  const outbox = await typed<{ notificationId: number; channel: string }>(
    k('outbox_messages').whereIn('notification_id', ids).select('notification_id', 'channel'),
  );
  const now = new Date();
  for (const n of notifications) {
    const u = users.get(n.userId);
    for (const channel of ['email', 'sms'] as DeliveryChannel[]) {
      const planned = n.channels.includes(channel);
      const decision = planned
        ? decideDelivery({
            channel,
            priority: n.priority,
            category: n.category,
            preferences: prefs.get(n.userId)!,
            address: {
              email: u?.email ?? null,
              emailVerified: Boolean(u?.emailVerified),
              phone: u?.phone ?? null,
              phoneVerified: Boolean(u?.phoneVerified),
            },
            now,
          })
        : { action: 'skip' as const };
      const want = decision.action !== 'skip' ? 1 : 0;
      const sentLogs = logs.filter((l) => l.notificationId === n.id && l.channel === channel && l.status === 'sent').length;
      const messages = outbox.filter((o) => o.notificationId === n.id && o.channel === channel).length;
      const pending = logs.filter((l) => l.notificationId === n.id && l.channel === channel && l.status === 'pending').length;
      if (sentLogs !== want || messages !== want)
        problems.push(`notification ${n.id}/${channel}: ${messages} message(s), ${sentLogs} sent log(s), expected ${want}`);
      if (pending > 0) problems.push(`notification ${n.id}/${channel}: ${pending} claim(s) left pending`);
    }
  }
  return { problems };
}
