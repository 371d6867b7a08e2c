import assert from 'node:assert/strict';
import { assignBody, customerCreateBody, denyBody, listQuery, staffCreateBody, submitBody } from '../../src/domain/repair-schemas';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('domain/repair-schemas', () => {
  describe('deny reason', () => {
    it('needs at least 10 characters after trimming', () => {
      assert.equal(denyBody.safeParse({ reason: '0123456789' }).success, true);
      assert.deepEqual(issues(denyBody.safeParse({ reason: '   too short   ' })), { reason: 'must be at least 10 characters' });
      assert.deepEqual(issues(denyBody.safeParse({ reason: '          ' })), { reason: 'must be at least 10 characters' });
      assert.equal(denyBody.safeParse({}).success, false);
    });
    it('is stored trimmed', () => {
      assert.deepEqual(denyBody.parse({ reason: '  not our fleet vehicle  ' }), { reason: 'not our fleet vehicle' });
    });
  });

  describe('estimated cost', () => {
    it('is a non-negative amount with at most 2 decimals', () => {
      for (const ok of [0, 12, 49.99, 0.1]) assert.equal(submitBody.safeParse({ estimatedCost: ok }).success, true, String(ok));
      assert.deepEqual(issues(submitBody.safeParse({ estimatedCost: -1 })), { estimatedCost: 'must not be negative' });
      assert.deepEqual(issues(submitBody.safeParse({ estimatedCost: 1.234 })), { estimatedCost: 'must have at most 2 decimals' });
      assert.equal(submitBody.safeParse({ estimatedCost: '12' }).success, false);
    });
  });

  it('needs unit number and description for every creator, and customerId for staff', () => {
    assert.equal(customerCreateBody.safeParse({ unitNumber: 'A', description: 'b' }).success, true);
    assert.deepEqual(Object.keys(issues(customerCreateBody.safeParse({ unitNumber: ' ', description: '' }))).sort(), [
      'description',
      'unitNumber',
    ]);
    assert.deepEqual(Object.keys(issues(staffCreateBody.safeParse({ unitNumber: 'A', description: 'b' }))), ['customerId']);
    assert.deepEqual(Object.keys(issues(staffCreateBody.safeParse({ unitNumber: 'A', description: 'b', customerId: 1, batchId: 'a b' }))), [
      'batchId',
    ]);
  });

  it('needs a technician id to assign', () => {
    assert.equal(assignBody.safeParse({ technicianId: 3 }).success, true);
    assert.equal(assignBody.safeParse({ technicianId: 0 }).success, false);
    assert.equal(assignBody.safeParse({}).success, false);
  });

  it('pages lists with defaults and bounds', () => {
    assert.deepEqual(listQuery.parse({}), { page: 1, pageSize: 20 });
    assert.deepEqual(listQuery.parse({ page: '3', pageSize: '5', status: 'PENDING' }), { page: 3, pageSize: 5, status: 'PENDING' });
    assert.deepEqual(issues(listQuery.safeParse({ pageSize: '1000' })), { pageSize: 'must be 1-100' });
    assert.equal(listQuery.safeParse({ status: 'LOST' }).success, false);
  });
});
