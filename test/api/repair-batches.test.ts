import assert from 'node:assert/strict';
import type { Harness } from '../support/harness';
import { repairRequests, startRepairsWorld, type RepairsWorld } from './repairs-fixtures';

// Under the lifecycle suite's title, where these tests were first, so that their names stay the same.
describe('api: repairs through their lifecycle', () => {
  let h: Harness;
  let t: RepairsWorld['t'];
  let ids: RepairsWorld['ids'];

  before(async () => {
    ({ h, t, ids } = await startRepairsWorld());
  });
  after(() => h?.close());

  const { post, created } = repairRequests(() => h);

  it('approves a whole batch in one call, telling each technician once', async () => {
    const batch = `batch-${Date.now()}`;
    const repairs = [];
    for (const unit of ['BT-1', 'BT-2', 'BT-3']) {
      repairs.push(
        await created(t['tech-one']!, { unitNumber: unit, description: 'lot walk find', customerId: ids.fleetA, batchId: batch }),
      );
    }
    const foreign = await post(t.root, '/api/repairs', { unitNumber: 'BT-X', description: 'y', customerId: ids.fleetB, batchId: batch });
    assert.equal(foreign.status, 409, 'a batch belongs to one customer');

    assert.equal((await post(t.bob, `/api/repair-batches/${batch}/approve`)).status, 404);
    assert.equal((await post(t['tech-one'], `/api/repair-batches/${batch}/approve`)).status, 403);
    const res = await post(t.alice, `/api/repair-batches/${batch}/approve`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.items.map((r: any) => [r.id, r.status]),
      repairs.map((r) => [r.id, 'APPROVED']),
    );
    const events = await h.db.models.NotificationEvent.query()
      .whereIn(
        'repairId',
        repairs.map((r) => r.id),
      )
      .whereIn('type', ['batch_approved', 'repair_approved']);
    assert.deepEqual(
      events.map((e) => e.type),
      ['batch_approved'],
    );
    assert.equal(events[0]?.payload.batchId, batch);
    const again = await post(t.alice, `/api/repair-batches/${batch}/approve`);
    assert.deepEqual(again.body.items, [], 'nothing PENDING is left');
  });

  it('denies a whole batch with a reason', async () => {
    const batch = `deny-${Date.now()}`;
    const a = await created(t['tech-two']!, { unitNumber: 'BD-1', description: 'x', customerId: ids.fleetA, batchId: batch });
    const b = await created(t['tech-two']!, { unitNumber: 'BD-2', description: 'x', customerId: ids.fleetA, batchId: batch });
    const missing = await post(t.alice, `/api/repair-batches/${batch}/deny`, {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.error.fields, { reason: 'is required' });
    const res = await post(t.alice, `/api/repair-batches/${batch}/deny`, { reason: 'Fleet is being replaced' });
    assert.deepEqual(
      res.body.items.map((r: any) => [r.id, r.status, r.denialReason]),
      [
        [a.id, 'DENIED', 'Fleet is being replaced'],
        [b.id, 'DENIED', 'Fleet is being replaced'],
      ],
    );
  });
});
