import assert from 'node:assert/strict';
import type { Db } from '../../src/db';
import { saveRollout } from '../../src/db/queries/rollout';
import { fullRollout } from '../../src/domain/notifications/rollout';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt, countingProvider, insertNotifications } from './support';

describe('activities/digests: the email rollout holds the digest too', () => {
  let db: Db;
  let userId: number;

  before(async () => {
    ({ db } = await freshDatabase());
    userId = (await insertUser(db, 'tara', 'technician')).userId;
    await insertNotifications(db, userId, ['MEDIUM']);
  });
  after(() => db?.destroy());

  const request = (day: string) => ({ userId, day, windowEnd: new Date(Date.now() + 60_000).toISOString() });

  it('sends no digest to a user outside the email rollout, and sends it once the rollout reaches them', async () => {
    const { transport, calls } = countingProvider(db);
    const { sendDigest } = activitiesFor(db, transport);
    const shares = fullRollout();
    shares.email.technician = 0;
    await saveRollout(db.knex, shares, userId);
    assert.deepEqual(await asAttempt(1, sendDigest, request('2026-11-05')), { status: 'empty' });
    assert.equal(calls.digests.length, 0);
    assert.equal((await db.knex('notification_digests').where('user_id', userId)).length, 0, 'no row: a later run may still send it');

    await saveRollout(db.knex, fullRollout(), userId);
    assert.deepEqual(await asAttempt(1, sendDigest, request('2026-11-05')), { status: 'sent', count: 1 });
    assert.equal(calls.digests.length, 1);
  });
});
