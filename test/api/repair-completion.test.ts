import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { denySignal, moveUpdates } from '../../src/workflows/definitions';
import type { Harness } from '../support/harness';
import { repairRequests, startRepairsWorld, type RepairsWorld } from './repairs-fixtures';

const WORK_FIELDS = ['startedAt', 'completedAt', 'completionNotes'];

describe('api: complete {notes}; startedAt, completedAt, completionNotes on every repair', () => {
  let h: Harness;
  let t: RepairsWorld['t'];
  let ids: RepairsWorld['ids'];
  before(async () => {
    ({ h, t, ids } = await startRepairsWorld());
  });
  after(() => h?.close());

  const { get, post, created } = repairRequests(() => h);
  const hasWorkFields = (r: Record<string, unknown>, where: string) =>
    assert.deepEqual(
      WORK_FIELDS.filter((f) => !(f in r)),
      [],
      where,
    );
  const fieldFind = () => created(t.root!, { unitNumber: 'W-1', description: 'chip', customerId: ids.fleetA, technicianId: ids.tech1 });

  it('records when work started and ended, and the technician’s notes', async () => {
    const repair = await fieldFind();
    hasWorkFields(repair, 'create');
    assert.deepEqual([(repair as any).startedAt, (repair as any).completedAt, (repair as any).completionNotes], [null, null, null]);
    assert.equal((await post(t.alice, `/api/repairs/${repair.id}/approve`)).status, 200);
    const started = (await post(t['tech-one'], `/api/repairs/${repair.id}/start`)).body;
    assert.ok(!Number.isNaN(Date.parse(started.startedAt)));
    assert.equal(started.completedAt, null);

    const tooLong = await post(t['tech-one'], `/api/repairs/${repair.id}/complete`, { notes: 'n'.repeat(2001) });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.body.error.fields, { notes: 'must be at most 2000 characters' });
    const nul = await post(t['tech-one'], `/api/repairs/${repair.id}/complete`, { notes: 'a\u0000b' });
    assert.deepEqual([nul.status, nul.body.error.fields], [400, { notes: 'must not contain a NUL character' }]);
    assert.equal((await get(t.root!, `/api/repairs/${repair.id}`)).body.status, 'IN_PROGRESS', 'a refused body changes nothing');

    const done = await post(t['tech-one'], `/api/repairs/${repair.id}/complete`, { notes: '  Resin fill, cured 10 min.  ' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'COMPLETED');
    assert.equal(done.body.completionNotes, 'Resin fill, cured 10 min.');
    assert.equal(done.body.startedAt, started.startedAt);
    assert.ok(Date.parse(done.body.completedAt) >= Date.parse(done.body.startedAt));

    for (const [where, r] of [
      ['detail', (await get(t.alice!, `/api/repairs/${repair.id}`)).body],
      ['list', (await get(t.alice!, '/api/repairs?pageSize=100')).body.items.find((x: any) => x.id === repair.id)],
    ] as const) {
      hasWorkFields(r, where);
      assert.deepEqual(
        [r.completionNotes, r.completedAt, r.startedAt],
        [done.body.completionNotes, done.body.completedAt, done.body.startedAt],
        where,
      );
    }
    const history = (await get(t.alice!, `/api/repairs/${repair.id}/history`)).body.items;
    assert.deepEqual([history.at(-1).move, history.at(-1).notes], ['complete', 'Resin fill, cured 10 min.']);
  });

  it('lets only the assigned technician and admins complete with notes: 401, 403, 404 for the others', async () => {
    const repair = await fieldFind();
    for (const move of ['approve', 'start']) assert.equal((await post(t.root, `/api/repairs/${repair.id}/${move}`)).status, 200);
    const path = `/api/repairs/${repair.id}/complete`;
    const body = { notes: 'done' };
    assert.equal((await post(undefined, path, body)).status, 401);
    assert.equal((await post(t.alice, path, body)).status, 403, "the repair's own customer");
    assert.equal((await post(t.bob, path, body)).status, 403, 'customers never complete: refused by role first');
    assert.equal((await post(t['tech-two'], path, body)).status, 404, 'IN_PROGRESS and not theirs');
    const done = await post(t['tech-one'], path, body);
    assert.deepEqual([done.status, done.body.completionNotes], [200, 'done']);
    const again = await post(t.root, path, { notes: 'twice' });
    assert.deepEqual([again.status, again.body.error.code], [409, 'INVALID_TRANSITION']);
    assert.equal((await get(t.root!, `/api/repairs/${repair.id}`)).body.completionNotes, 'done');
  });

  it('completes without notes (or with only spaces) as before: completionNotes stays null', async () => {
    for (const body of [undefined, { notes: '   ' }]) {
      const repair = await fieldFind();
      for (const move of ['approve', 'start']) assert.equal((await post(t.root, `/api/repairs/${repair.id}/${move}`)).status, 200);
      const done = await post(t.root, `/api/repairs/${repair.id}/complete`, body);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual([done.body.status, done.body.completionNotes], ['COMPLETED', null]);
      assert.ok(done.body.completedAt);
    }
  });

  it('refuses NUL in any move’s text by field, and a move the database refuses never wedges the repair', async () => {
    const repair = await fieldFind();
    const nul = 'ten chars \u0000 and more';
    for (const [move, body, field] of [
      ['deny', { reason: nul }, 'reason'],
      ['submit', { notes: nul }, 'notes'],
    ] as const) {
      const res = await post(t.root, `/api/repairs/${repair.id}/${move}`, body);
      assert.deepEqual([res.status, res.body.error?.fields], [400, { [field]: 'must not contain a NUL character' }]);
    }
    const created = await post(t.root, '/api/repairs', { unitNumber: 'W\u0000', description: 'x', customerId: ids.fleetA });
    assert.deepEqual(created.body.error.fields, { unitNumber: 'must not contain a NUL character' });

    // Past the API (a Temporal client, the UI's signal): the move fails once instead of retrying forever under the lock.
    const handle = h.deps.temporal.client.workflow.getHandle(repair.workflowId);
    await assert.rejects(
      handle.executeUpdate(moveUpdates.deny, { args: [{ actor: { userId: null, role: 'admin' }, reason: nul }] }),
      WorkflowUpdateFailedError,
    );
    await handle.signal(denySignal, { reason: nul });
    const approved = await post(t.alice, `/api/repairs/${repair.id}/approve`);
    assert.deepEqual([approved.status, approved.body.status], [200, 'APPROVED']);
    const history = (await get(t.root!, `/api/repairs/${repair.id}/history`)).body.items;
    assert.deepEqual(
      history.map((m: any) => m.move),
      ['create', 'approve'],
    );
  });

  it('presents the fields in the answers of moves, edits and batches too', async () => {
    const repair = await created(t.root!, {
      unitNumber: 'W-2',
      description: 'chip',
      customerId: ids.fleetA,
      technicianId: ids.tech2,
      batchId: 'work-fields',
    });
    const edited = await h.request('PATCH', `/api/repairs/${repair.id}`, { token: t.root, body: { damageType: 'chip' } });
    hasWorkFields(edited.body, 'edit');
    const batch = await post(t.alice, '/api/repair-batches/work-fields/approve');
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    for (const item of batch.body.items) hasWorkFields(item, 'batch');
    hasWorkFields((await post(t['tech-two'], `/api/repairs/${repair.id}/start`)).body, 'move');
  });
});
