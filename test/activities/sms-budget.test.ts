import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../src/db';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt, countingProvider, insertNotifications, refuseSentWrites, SMS_COST } from './support';

describe('activities/deliveries: the SMS budget holds with batches checked at once', () => {
  let db: Db;
  let userId: number;

  before(async () => {
    ({ db } = await freshDatabase());
    userId = (await insertUser(db, 'bea', 'customer')).userId;
    await db.models.User.query().patch({ phone: '+15550100077' }).where('id', userId);
  });
  beforeEach(() => db.knex('delivery_logs').delete());
  after(() => db?.destroy());

  const smsLogs = () =>
    db
      .knex('delivery_logs')
      .where('channel', 'sms')
      .orderBy('id')
      .select('notification_id as id', 'status', 'error_code as errorCode', 'error_message as errorMessage', 'cost_estimate as cost');
  const spentUsd = async () =>
    Number((await db.knex('delivery_logs').where({ channel: 'sms', status: 'sent' }).sum({ s: 'cost_estimate' }).first())?.s ?? 0);

  it('six batches at once, room for three non-urgent SMS: exactly three go, the rest are suppressed, each batch one lock, one sum, one insert', async () => {
    const K = 3;
    const { transport, calls } = countingProvider(db, { delayMs: 200 }); // sends in flight while the others check
    const { sendSmsBatch } = activitiesFor(db, transport, { monthlyUsd: K * SMS_COST });
    const ids = await insertNotifications(
      db,
      userId,
      Array.from({ length: 12 }, () => 'HIGH' as const),
    );
    const batches = [0, 2, 4, 6, 8, 10].map((i) => ids.slice(i, i + 2));
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    db.knex.on('query', onQuery);
    try {
      // Separate activity invocations, as several workers would run them.
      await Promise.all(batches.map((b) => asAttempt(1, sendSmsBatch, b, 3)));
    } finally {
      db.knex.off('query', onQuery);
    }

    const logs = await smsLogs();
    assert.equal(calls.sms.length, K, "the provider got exactly the budget's worth");
    assert.equal(logs.filter((l) => l.status === 'sent').length, K);
    assert.deepEqual(
      logs.filter((l) => l.status !== 'sent').map((l) => [l.status, l.errorCode]),
      Array.from({ length: 12 - K }, () => ['suppressed', 'sms_budget_exceeded']),
    );
    assert.ok((await spentUsd()) <= K * SMS_COST + 1e-9, `spent ${await spentUsd()} of ${K * SMS_COST}`);
    const count = (re: RegExp) => statements.filter((s) => re.test(s)).length;
    assert.deepEqual(
      [count(/pg_advisory_xact_lock/), count(/sum\(/), count(/^insert into "delivery_logs"/)],
      [batches.length, batches.length, batches.length],
    );
  });

  it('URGENT SMS still go when the month is spent, non-urgent ones never take it past the budget', async () => {
    const { transport, calls } = countingProvider(db, { delayMs: 100 });
    const { sendSmsBatch } = activitiesFor(db, transport, { monthlyUsd: SMS_COST });
    const ids = await insertNotifications(db, userId, ['HIGH', 'URGENT', 'HIGH', 'URGENT', 'HIGH', 'URGENT']);
    await Promise.all([0, 2, 4].map((i) => asAttempt(1, sendSmsBatch, ids.slice(i, i + 2), 3)));

    const logs = await smsLogs();
    const urgent = new Set([ids[1], ids[3], ids[5]]);
    assert.deepEqual(
      logs.filter((l) => urgent.has(Number(l.id))).map((l) => l.status),
      ['sent', 'sent', 'sent'],
    );
    const high = logs.filter((l) => !urgent.has(Number(l.id)));
    assert.deepEqual(high.map((l) => l.status).sort(), ['sent', 'suppressed', 'suppressed']);
    assert.equal(calls.sms.length, 4);
  });

  it('an SMS the provider refused frees its room; one of unknown outcome keeps it', async () => {
    const [refused, unknown, later] = await insertNotifications(db, userId, ['HIGH', 'HIGH', 'HIGH']);
    const { transport } = countingProvider(db, { refuse: (n) => n === refused });
    const { sendSmsBatch } = activitiesFor(db, transport, { monthlyUsd: SMS_COST });

    const first = await asAttempt(1, sendSmsBatch, [refused!], 1);
    assert.equal(first[refused!]!.code, 'Throttling');
    const fault = await refuseSentWrites(db, 'delivery_logs', 100);
    try {
      await assert.rejects(asAttempt(1, sendSmsBatch, [unknown!], 3), ApplicationFailure);
      assert.equal((await asAttempt(2, sendSmsBatch, [unknown!], 3))[unknown!]!.code, 'OUTCOME_UNKNOWN');
    } finally {
      await fault.remove();
    }
    const third = await asAttempt(1, sendSmsBatch, [later!], 3);
    assert.equal(third[later!]!.code, 'sms_budget_exceeded');

    const logs = await smsLogs();
    assert.deepEqual(
      logs.map((l) => [Number(l.id), l.status, l.errorCode, l.cost === null ? null : Number(l.cost)]),
      [
        [refused, 'failed', 'Throttling', null],
        [unknown, 'failed', 'OUTCOME_UNKNOWN', SMS_COST],
        [later, 'suppressed', 'sms_budget_exceeded', null],
      ],
    );
    assert.match(logs[2].errorMessage, /\(\$0\.00600 spent this month\)/);
  });
});
