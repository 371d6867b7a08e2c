import type { Db } from '../../src/db';
import { loadPreferences } from '../../src/db/queries/preferences';
import { EVENT_RULES, type EventType } from '../../src/domain/events';
import { channelsFor } from '../../src/domain/notifications/channels';
import { decideDelivery } from '../../src/domain/notifications/decide';
import type { Category, DeliveryChannel, NotificationPreferences, Priority } from '../../src/domain/notifications/types';

/**
 * What a customer-requested lifecycle (create, assignment, submit, approve, start, complete) tells
 * people, with the suite's fixtures (the demo fleet: one customer user, technicians, every address
 * verified, no quiet hours, no preferences stored): one notification per event, each recipient once.
 */
export const LIFECYCLE_EVENTS: EventType[] = [
  'technician_assigned',
  'approval_requested',
  'repair_approved',
  'work_started',
  'work_completed',
];

export function expectedPerLifecycle(): { notifications: number; email: number; sms: number } {
  const channels = LIFECYCLE_EVENTS.map((e) => channelsFor(EVENT_RULES[e].priority));
  return {
    notifications: LIFECYCLE_EVENTS.length,
    email: channels.filter((c) => c.includes('email')).length,
    sms: channels.filter((c) => c.includes('sms')).length,
  };
}

export interface Observation {
  repairsTotal: number;
  repairsCompleted: number;
  repairsByStatus: Record<string, number>;
  notifications: number;
  /** (notification, channel) pairs the rules say must go out, from the stored notifications and the recipients' settings. */
  expectedPairs: number;
  expectedEmail: number;
  expectedSms: number;
  outboxEmail: number;
  outboxSms: number;
  /** Expected pairs with no outbox message. */
  missing: string[];
  /** Outbox messages for a pair the rules did not ask for. */
  unexpected: string[];
  /** Pairs with more than one outbox row or more than one 'sent' delivery log. */
  duplicates: string[];
  /** Expected pairs whose delivery log has no 'sent' row. */
  notLoggedSent: string[];
  pendingLogs: number;
  failedLogs: number;
  unprocessedEvents: number;
}

const key = (id: number, channel: string) => `${id}/${channel}`;
/** A query's rows, typed (knex's builder types do not carry aggregate columns; the mappers make keys camelCase). */
async function rows<T>(q: PromiseLike<unknown>): Promise<T[]> {
  return (await q) as T[];
}

export async function observe(db: Db): Promise<Observation> {
  const k = db.knex;
  const byStatus = Object.fromEntries(
    (await rows<{ status: string; n: number }>(k('repairs').select('status').count({ n: '*' }).groupBy('status'))).map((r) => [
      r.status,
      Number(r.n),
    ]),
  );
  const notifications = await rows<{ id: number; userId: number; priority: Priority; category: Category; channels: string[] | string }>(
    k('notifications').select('id', 'user_id', 'priority', 'category', 'channels'),
  );
  const users = new Map<number, { email: string | null; emailVerified: boolean; phone: string | null; phoneVerified: boolean }>(
    (await rows<any>(k('users').select('id', 'email', 'email_verified', 'phone', 'phone_verified'))).map((u) => [Number(u.id), u]),
  );
  const prefs = new Map<number, NotificationPreferences>();
  const expected = new Set<string>();
  let expectedEmail = 0;
  let expectedSms = 0;
  const now = new Date();
  for (const n of notifications) {
    const channels = (typeof n.channels === 'string' ? JSON.parse(n.channels) : n.channels) as string[];
    const user = users.get(Number(n.userId));
    if (!prefs.has(n.userId)) prefs.set(n.userId, await loadPreferences(k, n.userId));
    for (const channel of channels.filter((c): c is DeliveryChannel => c !== 'in_app')) {
      const decision = decideDelivery({
        channel,
        priority: n.priority,
        category: n.category,
        preferences: prefs.get(n.userId) as NotificationPreferences,
        address: {
          email: user?.email ?? null,
          emailVerified: Boolean(user?.emailVerified),
          phone: user?.phone ?? null,
          phoneVerified: Boolean(user?.phoneVerified),
        },
        now,
      });
      if (decision.action === 'skip') continue; // 'defer' still goes out, later
      expected.add(key(n.id, channel));
      if (channel === 'email') expectedEmail++;
      else expectedSms++;
    }
  }
  type PairCount = { notificationId: number; channel: string; n: number };
  const outbox = await rows<PairCount>(
    k('outbox_messages')
      .whereNotNull('notification_id')
      .select('notification_id', 'channel')
      .count({ n: '*' })
      .groupBy('notification_id', 'channel'),
  );
  const sent = await rows<PairCount>(
    k('delivery_logs').where('status', 'sent').select('notification_id', 'channel').count({ n: '*' }).groupBy('notification_id', 'channel'),
  );
  const logCounts = Object.fromEntries(
    (await rows<{ status: string; n: number }>(k('delivery_logs').select('status').count({ n: '*' }).groupBy('status'))).map((r) => [
      r.status,
      Number(r.n),
    ]),
  );
  const [unprocessed] = await rows<{ n: number }>(k('notification_events').whereNull('processed_at').count({ n: '*' }));

  const inOutbox = new Set(outbox.map((o) => key(o.notificationId, o.channel)));
  const sentSet = new Set(sent.map((s) => key(s.notificationId, s.channel)));
  const duplicates = [
    ...outbox.filter((o) => Number(o.n) > 1).map((o) => `${key(o.notificationId, o.channel)} outbox x${o.n}`),
    ...sent.filter((s) => Number(s.n) > 1).map((s) => `${key(s.notificationId, s.channel)} sent-log x${s.n}`),
  ];
  return {
    repairsTotal: Object.values(byStatus).reduce((a, b) => a + b, 0),
    repairsCompleted: byStatus.COMPLETED ?? 0,
    repairsByStatus: byStatus,
    notifications: notifications.length,
    expectedPairs: expected.size,
    expectedEmail,
    expectedSms,
    outboxEmail: outbox.filter((o) => o.channel === 'email').reduce((a, o) => a + Number(o.n), 0),
    outboxSms: outbox.filter((o) => o.channel === 'sms').reduce((a, o) => a + Number(o.n), 0),
    missing: [...expected].filter((p) => !inOutbox.has(p)),
    unexpected: [...inOutbox].filter((p) => !expected.has(p)),
    duplicates,
    notLoggedSent: [...expected].filter((p) => !sentSet.has(p)),
    pendingLogs: logCounts.pending ?? 0,
    failedLogs: logCounts.failed ?? 0,
    unprocessedEvents: Number(unprocessed?.n ?? 0),
  };
}

/** Settled: nothing left to happen (every repair finished, every expected message out, no claim open). */
export function settled(o: Observation, lifecycles: number): boolean {
  const per = expectedPerLifecycle();
  return (
    o.repairsCompleted === lifecycles &&
    o.repairsTotal === lifecycles &&
    o.notifications >= lifecycles * per.notifications &&
    o.missing.length === 0 &&
    o.notLoggedSent.length === 0 &&
    o.pendingLogs === 0 &&
    o.unprocessedEvents === 0
  );
}
