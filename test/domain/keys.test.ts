import assert from 'node:assert/strict';
import { keys } from '../../src/domain/keys';

// Running repairs and stored rows look for these exact strings: a changed format is a migration.
describe('domain/keys', () => {
  it('keeps the formats that running workflows and stored rows were written with', () => {
    assert.equal(keys.repairWorkflow(42), 'repair-42');
    assert.equal(keys.move('repair-42', 3, 'approve'), 'repair-42/3-approve');
    assert.equal(keys.edit('repair-42', 2), 'repair-42/edit-2');
    assert.equal(keys.moveEvent('repair-42/0-create', 'approval_requested'), 'repair-42/0-create/approval_requested');
    assert.equal(keys.deliveryRetry(7, 'sms', 19), 'notification-7-sms-retry-19');
    assert.equal(keys.accountMessage(7), 'notification-7-account');
    assert.equal(keys.schedule('rs-', 'daily-digest'), 'rs-daily-digest');
    assert.equal(keys.referralPoints(5, 'referrer'), 'referral:5:referrer');
    assert.equal(keys.redemptionPoints(8), 'redemption:8');
    assert.equal(keys.digestClaimOwner('wf', 'run', '1'), 'wf/run/1');
  });

  it('names the advisory locks as before: hashed names, a fixed assignment key, the start-up pair', () => {
    assert.equal(keys.locks.userPoints(5), 'points:5');
    assert.equal(keys.locks.smsBudget(new Date('2026-03-01T00:00:00Z')), 'sms-budget:2026-03');
    assert.equal(keys.locks.assignment, 0x52455041);
    assert.deepEqual(keys.locks.startup, [0x72737973, 1]);
  });
});
