import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDb, type Db } from '../../../src/db';
import { notificationStats, type NotificationStats } from '../../../src/db/queries/notification-stats';
import { freshDatabase } from '../../support/harness';

describe('db: notificationStats (counts kept by triggers, not a scan)', () => {
  let db: Db;
  let userIds: number[];
  before(async () => {
    // A pool wide enough for the concurrent writers below to really run side by side.
    const fresh = await freshDatabase();
    await fresh.db.destroy();
    db = createDb(fresh.url, 24);
    const users = await db
      .knex('users')
      .insert(Array.from({ length: 3 }, (_, i) => ({ username: `stats-${i}`, passwordHash: 'x', role: 'customer' })))
      .returning('id');
    userIds = users.map((u: { id: number }) => u.id);
  });
  after(() => db?.destroy());

  /** What a scan says: the figure the counts must always equal. */
  const scanned = async (): Promise<NotificationStats> => {
    const row = await db
      .knex('notifications')
      .first<NotificationStats>(
        db.knex.raw(
          "count(*) as total, count(*) filter (where not is_read) as unread, count(*) filter (where priority = 'URGENT') as urgent, " +
            'count(*) filter (where email_sent) as email_sent, count(*) filter (where sms_sent) as sms_sent',
        ),
      );
    return { total: row.total, unread: row.unread, urgent: row.urgent, emailSent: row.emailSent, smsSent: row.smsSent };
  };
  const rows = (n: number, userId: number, urgent = false) =>
    Array.from({ length: n }, (_, i) => ({
      userId,
      title: 't',
      message: 'm',
      category: 'system',
      priority: urgent && i % 2 === 0 ? 'URGENT' : 'LOW',
      emailSent: i % 3 === 0,
    }));

  it('follows inserts, reads, deliveries and deletes, one statement of many rows or one row at a time', async () => {
    await db.knex('notifications').insert(rows(50, userIds[0]!, true));
    await db.knex('notifications').insert(rows(1, userIds[1]!));
    assert.deepEqual(await notificationStats(db.knex), await scanned());
    await db.knex('notifications').where({ userId: userIds[0] }).whereRaw('id % 2 = 0').update({ isRead: true });
    await db.knex('notifications').where({ userId: userIds[1] }).update({ smsSent: true, emailSent: true });
    // An update that changes no counted column leaves no delta row behind.
    const before = Number((await db.knex('notification_counts').count({ n: '*' }))[0]!.n);
    await db.knex('notifications').update({ title: 'renamed' });
    assert.equal(Number((await db.knex('notification_counts').count({ n: '*' }))[0]!.n), before);
    assert.deepEqual(await notificationStats(db.knex), await scanned());
    // A user's removal cascades to their notifications.
    await db.knex('users').where({ id: userIds[1] }).delete();
    userIds.splice(1, 1);
    const stats = await notificationStats(db.knex);
    assert.deepEqual(stats, await scanned());
    assert.equal(stats.total, 50);
  });

  it('a rolled-back write leaves the counts as they were', async () => {
    const expected = await scanned();
    await assert.rejects(
      db.knex.transaction(async (trx) => {
        await trx('notifications').insert(rows(10, userIds[0]!, true));
        throw new Error('abandoned');
      }),
      /abandoned/,
    );
    assert.deepEqual(await notificationStats(db.knex), expected);
  });

  it('stays exact under concurrent writers and readers (each read folding or summing), and folds to one row', async () => {
    const writers = Array.from({ length: 16 }, (_, w) =>
      db.knex.transaction(async (trx) => {
        for (let i = 0; i < 5; i++) {
          await trx('notifications').insert(rows(1 + ((w + i) % 4), userIds[w % userIds.length]!, w % 2 === 0));
          if (i === 2)
            await trx('notifications')
              .where({ userId: userIds[0] })
              .whereRaw('id % 5 = ?', [w % 5])
              .update({ isRead: true });
        }
      }),
    );
    const readers = Array.from({ length: 8 }, () => notificationStats(db.knex));
    const seen = await Promise.all(readers);
    await Promise.all(writers);
    // Each read saw a consistent state: never more than the end state, never a negative count.
    const end = await scanned();
    for (const s of seen) {
      assert.ok(s.total >= 50 && s.total <= end.total, `a read saw total ${s.total} (end ${end.total})`);
      assert.ok(s.unread >= 0 && s.urgent >= 0 && s.emailSent >= 0);
    }
    assert.deepEqual(await notificationStats(db.knex), end);
    assert.equal(Number((await db.knex('notification_counts').count({ n: '*' }))[0]!.n), 1);
  });

  it('property: any sequence of writes, some rolled back, some concurrent, ends with counts equal to a scan', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), n: fc.integer({ min: 1, max: 6 }), urgent: fc.boolean() }),
      fc.record({ kind: fc.constant('read' as const), mod: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('send' as const), mod: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('delete' as const), mod: fc.integer({ min: 2, max: 9 }) }),
    );
    type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
    const run = (o: Op, trx: typeof db.knex) => {
      if (o.kind === 'insert') return trx('notifications').insert(rows(o.n, userIds[0]!, o.urgent));
      if (o.kind === 'read') return trx('notifications').whereRaw('id % ? = 0', [o.mod]).update({ isRead: true });
      if (o.kind === 'send') return trx('notifications').whereRaw('id % ? = 1', [o.mod]).update({ emailSent: true, smsSent: true });
      return trx('notifications').whereRaw('id % ? = 0', [o.mod]).delete();
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 8 }), async (steps) => {
        await Promise.allSettled(
          steps.map(([o, rollBack]) =>
            db.knex.transaction(async (trx) => {
              await run(o, trx);
              if (rollBack) throw new Error('rolled back');
            }),
          ),
        );
        assert.deepEqual(await notificationStats(db.knex), await scanned());
      }),
      { numRuns: 25 },
    );
  });
});
