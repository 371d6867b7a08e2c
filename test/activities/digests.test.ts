import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { OUTCOME_NOT_RECORDED } from '../../src/activities/record-outcome';
import type { Db } from '../../src/db';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt, countingProvider, insertNotifications, refuseSentWrites } from './support';

const notRecorded = (err: unknown) => err instanceof ApplicationFailure && err.type === OUTCOME_NOT_RECORDED && !err.nonRetryable;

describe('activities/digests: a digest the provider accepted is never sent twice', () => {
  let db: Db;
  let userId: number;

  before(async () => {
    ({ db } = await freshDatabase());
    userId = (await insertUser(db, 'dora', 'customer')).userId;
    await insertNotifications(db, userId, ['MEDIUM', 'HIGH']);
  });
  after(() => db?.destroy());

  const request = (day: string) => ({ userId, day, windowEnd: new Date(Date.now() + 60_000).toISOString() });
  const digestOf = (day: string) =>
    db
      .knex('notification_digests')
      .where({ user_id: userId, digest_date: day })
      .first('status', 'error_code as errorCode', 'provider_message_id as providerMessageId');

  it('a sent write that keeps failing leaves the claim pending, and the retry logs OUTCOME_UNKNOWN without sending again', async () => {
    const { transport, calls } = countingProvider(db);
    const { sendDigest } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'notification_digests', 100);
    try {
      await assert.rejects(asAttempt(1, sendDigest, request('2026-11-01')), notRecorded);
      assert.ok((await fault.tries()) > 1, 'the sent write is tried again before giving up');
      assert.equal((await digestOf('2026-11-01')).status, 'pending', 'never failed after the provider accepted');

      // Another run the same day finds a fresh claim that is not its own: someone is sending it.
      assert.deepEqual(
        await asAttempt(
          { attempt: 1, activityId: '7', workflowExecution: { workflowId: 'manual', runId: 'r' } },
          sendDigest,
          request('2026-11-01'),
        ),
        { status: 'in_progress' },
      );
      // The retry knows the claim is its own earlier attempt's, however fresh.
      assert.deepEqual(await asAttempt(2, sendDigest, request('2026-11-01')), { status: 'failed', code: 'OUTCOME_UNKNOWN' });
      assert.deepEqual(await asAttempt(3, sendDigest, request('2026-11-01')), { status: 'failed', code: 'OUTCOME_UNKNOWN' });
    } finally {
      await fault.remove();
    }
    assert.equal(calls.digests.length, 1, 'one provider call across all attempts');
    assert.deepEqual(await digestOf('2026-11-01'), { status: 'failed', errorCode: 'OUTCOME_UNKNOWN', providerMessageId: null });
  });

  it('a sent write that fails for a moment lands on a retry within the attempt: sent, one provider call', async () => {
    const { transport, calls } = countingProvider(db);
    const { sendDigest } = activitiesFor(db, transport);
    const fault = await refuseSentWrites(db, 'notification_digests', 2);
    try {
      assert.deepEqual(await asAttempt(1, sendDigest, request('2026-11-02')), { status: 'sent', count: 2 });
      assert.equal(await fault.tries(), 3);
    } finally {
      await fault.remove();
    }
    assert.equal(calls.digests.length, 1);
    const row = await digestOf('2026-11-02');
    assert.equal(row.status, 'sent');
    assert.match(row.providerMessageId, /^local-\d+$/);
    assert.deepEqual(await asAttempt(2, sendDigest, request('2026-11-02')), { status: 'already_sent' });
    assert.equal(calls.digests.length, 1);
  });
});
