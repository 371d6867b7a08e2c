import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { OUTCOME_NOT_RECORDED } from '../../src/activities/record-outcome';
import type { Db } from '../../src/db';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt, countingProvider, insertNotifications, refuseSentWrites } from './support';

const notRecorded = (err: unknown) => err instanceof ApplicationFailure && err.type === OUTCOME_NOT_RECORDED && !err.nonRetryable;

describe('activities/deliveries: a message the provider accepted is never sent twice', () => {
  let db: Db;
  let userId: number;

  before(async () => {
    ({ db } = await freshDatabase());
    userId = (await insertUser(db, 'sally', 'customer')).userId;
    await db.models.User.query().patch({ phone: '+15550100042' }).where('id', userId);
  });
  after(() => db?.destroy());

  const logsOf = (id: number, channel: 'sms' | 'email') =>
    db
      .knex('delivery_logs')
      .where({ notification_id: id, channel })
      .orderBy('attempt')
      .select('status', 'error_code as errorCode', 'provider_message_id as providerMessageId');

  it('SMS: a sent write that keeps failing leaves the claim pending, and the retry logs OUTCOME_UNKNOWN without sending again', async () => {
    const [id] = await insertNotifications(db, userId, ['HIGH']);
    const { transport, calls } = countingProvider(db);
    const { sendSmsBatch } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'delivery_logs', 100);
    try {
      await assert.rejects(asAttempt(1, sendSmsBatch, [id!], 3), notRecorded);
      assert.ok((await fault.tries()) > 1, 'the sent write is tried again before giving up');
      assert.deepEqual(
        (await logsOf(id!, 'sms')).map((l) => l.status),
        ['pending'],
        'never failed after the provider accepted',
      );

      const second = await asAttempt(2, sendSmsBatch, [id!], 3);
      assert.deepEqual(second[id!], { status: 'failed', attempt: 2, code: 'OUTCOME_UNKNOWN' });
      const third = await asAttempt(3, sendSmsBatch, [id!], 3);
      assert.equal(third[id!]!.code, 'OUTCOME_UNKNOWN');
    } finally {
      await fault.remove();
    }
    assert.deepEqual(calls.sms, [id], 'one provider call across all attempts');
    assert.deepEqual(
      (await logsOf(id!, 'sms')).map((l) => [l.status, l.errorCode]),
      [['failed', 'OUTCOME_UNKNOWN']],
    );
  });

  it('SMS: a sent write that fails for a moment lands on a retry within the attempt: sent, one provider call', async () => {
    const [id] = await insertNotifications(db, userId, ['HIGH']);
    const { transport, calls } = countingProvider(db);
    const { sendSmsBatch } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'delivery_logs', 2);
    try {
      const outcome = await asAttempt(1, sendSmsBatch, [id!], 3);
      assert.deepEqual(outcome[id!], { status: 'sent', attempt: 1 });
      assert.equal(await fault.tries(), 3);
    } finally {
      await fault.remove();
    }
    assert.deepEqual(calls.sms, [id]);
    const [log] = await logsOf(id!, 'sms');
    assert.equal(log.status, 'sent');
    assert.match(log.providerMessageId, /^local-\d+$/);
    assert.equal((await db.knex('notifications').where('id', id).first()).smsSent, true);
  });

  it('SMS batch: one retried for a provider error does not re-send the other, whose outcome is unknown', async () => {
    const [accepted, throttled] = await insertNotifications(db, userId, ['HIGH', 'HIGH']);
    const { transport, calls } = countingProvider(db, { refuse: (n) => n === throttled });
    const { sendSmsBatch } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'delivery_logs', 100);
    try {
      // Both attempts fail for now (the throttled one), so the activity would run a third time.
      await assert.rejects(asAttempt(1, sendSmsBatch, [accepted!, throttled!], 3), ApplicationFailure);
      await assert.rejects(
        asAttempt(2, sendSmsBatch, [accepted!, throttled!], 3),
        (e) => e instanceof ApplicationFailure && e.type === 'Throttling',
      );
      const last = await asAttempt(3, sendSmsBatch, [accepted!, throttled!], 3);
      assert.equal(last[accepted!]!.code, 'OUTCOME_UNKNOWN');
      assert.equal(last[throttled!]!.code, 'Throttling');
    } finally {
      await fault.remove();
    }
    assert.equal(calls.sms.filter((n) => n === accepted).length, 1, 'the accepted SMS went out once');
    assert.equal(calls.sms.filter((n) => n === throttled).length, 3, 'the refused one is retried');
    assert.deepEqual(
      (await logsOf(throttled!, 'sms')).map((l) => [l.status, l.errorCode]),
      [1, 2, 3].map(() => ['failed', 'Throttling']),
      'a provider error is a failed log',
    );
  });

  it('email: a sent write that keeps failing leaves the claim pending, and the retry logs OUTCOME_UNKNOWN without sending again', async () => {
    const [id] = await insertNotifications(db, userId, ['MEDIUM']);
    const { transport, calls } = countingProvider(db);
    const { sendEmail } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'delivery_logs', 100);
    try {
      await assert.rejects(asAttempt(1, sendEmail, id!), notRecorded);
      assert.deepEqual(
        (await logsOf(id!, 'email')).map((l) => l.status),
        ['pending'],
      );
      assert.deepEqual(await asAttempt(2, sendEmail, id!), { status: 'failed', attempt: 2, code: 'OUTCOME_UNKNOWN' });
    } finally {
      await fault.remove();
    }
    assert.deepEqual(calls.email, [id]);
    assert.deepEqual(
      (await logsOf(id!, 'email')).map((l) => [l.status, l.errorCode]),
      [['failed', 'OUTCOME_UNKNOWN']],
    );
  });
});
