import assert from 'node:assert/strict';
import type { Db } from '../../src/db';
import { MAX_OUTSTANDING_RESETS } from '../../src/domain/notifications/account';
import { createLocalTransport } from '../../src/transports/local';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor } from './support';

describe('activities: issuePasswordReset', () => {
  let db: Db;
  let issue: ReturnType<typeof activitiesFor>['issuePasswordReset'];
  before(async () => {
    ({ db } = await freshDatabase());
    issue = activitiesFor(db, createLocalTransport(db)).issuePasswordReset;
  });
  after(() => db?.destroy());

  it('issues once per request key: a retry (even concurrent) finds the token and email it issued', async () => {
    const { userId } = await insertUser(db, 'retried', 'customer');
    const request = { username: 'RETRIED', requestKey: 'password-reset-r1' };
    const results = await Promise.all([issue(request), issue(request), issue(request)]);
    assert.equal(typeof results[0], 'number');
    assert.deepEqual(results, [results[0], results[0], results[0]]);
    assert.equal((await db.knex('password_resets').where({ userId })).length, 1);
    assert.equal((await db.knex('notifications').where({ userId, category: 'account' })).length, 1);
    const notification = await db.knex('notifications').where({ id: results[0] }).first();
    assert.doesNotMatch(notification.message, /token=/, 'the in-app copy carries no working link');
    assert.match(JSON.stringify(notification.content), /reset-password\?token=/);
  });

  it('sends nothing for an unknown, inactive or unverified account, or past the cap of unused links', async () => {
    assert.equal(await issue({ username: 'nobody', requestKey: 'k-nobody' }), null);
    const { userId: inactive } = await insertUser(db, 'gone', 'customer');
    await db.knex('users').where('id', inactive).update({ isActive: false });
    assert.equal(await issue({ username: 'gone', requestKey: 'k-gone' }), null);
    const { userId: unverified } = await insertUser(db, 'unproven', 'customer');
    await db.knex('users').where('id', unverified).update({ emailVerified: false });
    assert.equal(await issue({ username: 'unproven', requestKey: 'k-unproven' }), null);

    const { userId } = await insertUser(db, 'flooded', 'customer');
    for (let i = 0; i < MAX_OUTSTANDING_RESETS; i++)
      assert.equal(typeof (await issue({ username: 'flooded', requestKey: `k-f${i}` })), 'number');
    assert.equal(await issue({ username: 'flooded', requestKey: 'k-f-over' }), null, 'the public request is capped');
    assert.equal(typeof (await issue({ userId, requestedBy: userId, requestKey: 'k-f-admin' })), 'number', "an admin's is not");
  });
});
