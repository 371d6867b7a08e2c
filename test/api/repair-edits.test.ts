import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { nextStatus, type Move } from '../../src/domain/lifecycle';
import { editUpdate, SA } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import type { Harness } from '../support/harness';
import { repairRequests, startRepairsWorld, type RepairsWorld } from './repairs-fixtures';

describe('api: PATCH /api/repairs/:id (edits through the workflow)', () => {
  let h: Harness;
  let t: RepairsWorld['t'];
  let ids: RepairsWorld['ids'];
  before(async () => {
    ({ h, t, ids } = await startRepairsWorld());
  });
  after(() => h?.close());

  const { get, post, created } = repairRequests(() => h);
  const patch = (token: string | undefined, id: number, body: unknown) =>
    h.request('PATCH', `/api/repairs/${id}`, { ...(token ? { token } : {}), body });
  const techToken = (techId: number) => (techId === ids.tech1 ? t['tech-one']! : t['tech-two']!);
  const otherTechToken = (techId: number) => (techId === ids.tech1 ? t['tech-two']! : t['tech-one']!);
  const assigned = (id: number) =>
    eventually(async () => ((await get(t.root!, `/api/repairs/${id}`)).body.technicianId ?? undefined) as number | undefined, 'assignment');
  const history = async (id: number) => (await get(t.root!, `/api/repairs/${id}/history`)).body as { items: any[]; edits: any[] };
  const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  /** The history's moves are a chain of the state machine, whatever the edits did. */
  const assertChain = (items: any[]) => {
    for (let i = 1; i < items.length; i++) {
      assert.equal(items[i].from, items[i - 1].to, `row ${i}`);
      const to = items[i].move === 'assign' ? items[i].from : nextStatus(items[i].move as Move, items[i].from);
      assert.equal(items[i].to, to, `row ${i}: ${items[i].move}`);
    }
  };

  it('answers each caller as the contract says: 401, 404, 403, 409 or 200', async () => {
    const repair = await created(t.alice!, { unitNumber: unique('E'), description: 'chip' });
    const tech = await assigned(repair.id);
    assert.equal((await patch(undefined, repair.id, { description: 'x' })).status, 401);
    assert.equal((await patch(t.bob, repair.id, { description: 'x' })).status, 404, "another customer's repair");
    // Every technician sees a REQUESTED repair, but only the assigned one edits it.
    const stranger = await patch(otherTechToken(tech), repair.id, { description: 'x' });
    assert.equal(stranger.status, 403, JSON.stringify(stranger.body));
    assert.equal((await patch(t.root, 999_999, { description: 'x' })).status, 404);

    for (const [token, description] of [
      [t.alan, 'by the co-owner'],
      [techToken(tech), 'by the technician'],
      [t.root, 'by the admin'],
    ] as const) {
      const res = await patch(token, repair.id, { description });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.description, description);
    }

    assert.equal((await post(techToken(tech), `/api/repairs/${repair.id}/submit`, { estimatedCost: 40 })).status, 200);
    const late = await patch(t.alice, repair.id, { damageType: 'crack' });
    assert.equal(late.status, 409, 'customers edit only while REQUESTED');
    assert.equal(late.body.error.code, 'INVALID_TRANSITION');
    assert.match(late.body.error.message, /PENDING/);
    assert.equal((await patch(otherTechToken(tech), repair.id, { damageType: 'crack' })).status, 404, 'PENDING and not theirs');
    assert.equal((await patch(techToken(tech), repair.id, { damageType: 'crack' })).status, 200);
    assert.equal((await patch(t.root, repair.id, { damageType: 'star' })).body.damageType, 'star');
    assert.equal((await history(repair.id)).edits.length, 5);
  });

  it('refuses bad bodies with the field, changing nothing', async () => {
    const repair = await created(t.root!, {
      unitNumber: unique('V'),
      description: 'valid',
      customerId: ids.fleetA,
      technicianId: ids.tech1,
    });
    const before = (await get(t.root!, `/api/repairs/${repair.id}`)).body;
    for (const [body, field, why] of [
      [{}, 'body', /at least one of description, damageType, unitNumber/],
      [{ unitNumber: '   ' }, 'unitNumber', /required/],
      [{ unitNumber: 'U'.repeat(51) }, 'unitNumber', /at most 50/],
      [{ description: 'd'.repeat(5001) }, 'description', /at most 5000/],
      [{ damageType: 7 }, 'damageType', /string/],
      [{ damageType: null }, 'damageType', /string/],
      [{ description: 'a\u0000b' }, 'description', /NUL/],
      [{ unitNumber: 'U\u0000' }, 'unitNumber', /NUL/],
    ] as const) {
      const res = await patch(t.root, repair.id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.fields[field], why, JSON.stringify(res.body));
    }
    assert.deepEqual((await get(t.root!, `/api/repairs/${repair.id}`)).body, before);
    assert.deepEqual((await history(repair.id)).edits, []);
  });

  it('records each edit in the history (moves stay a chain) and UnitNumber follows the unit', async () => {
    const [from, to] = [unique('OLD'), unique('NEW')];
    const repair = await created(t['tech-one']!, { unitNumber: from, description: 'crack', customerId: ids.fleetA, damageType: 'crack' });
    const res = await patch(t['tech-one'], repair.id, { unitNumber: `  ${to}  `, description: 'long crack', damageType: 'crack' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.unitNumber, res.body.description, res.body.status], [to, 'long crack', 'PENDING']);
    const again = await patch(t['tech-one'], repair.id, { unitNumber: to });
    assert.equal(again.status, 200, 'an edit to the current value is no change');

    const { items, edits } = await history(repair.id);
    assert.deepEqual(
      items.map((m) => m.move),
      ['create'],
    );
    assert.equal(edits.length, 1);
    const tech = await h.db.models.User.query().findOne({ username: 'tech-one' });
    assert.deepEqual(
      { ...edits[0], at: undefined },
      {
        byUserId: tech!.id,
        role: 'technician',
        status: 'PENDING',
        at: undefined,
        changes: { unitNumber: { from, to }, description: { from: 'crack', to: 'long crack' } },
      },
    );
    assert.ok(!Number.isNaN(Date.parse(edits[0].at)));

    const handle = h.deps.temporal.client.workflow.getHandle(repair.workflowId);
    assert.equal((await handle.describe()).typedSearchAttributes.get(SA.UnitNumber), to);
    const found = async (unit: string) => {
      const wfs: string[] = [];
      for await (const wf of h.deps.temporal.client.workflow.list({ query: `UnitNumber = "${unit}"` })) wfs.push(wf.workflowId);
      return wfs;
    };
    await eventually(async () => ((await found(to)).length === 1 ? true : undefined), 'visibility of the new unit');
    assert.deepEqual(await found(to), [repair.workflowId]);
    assert.deepEqual(await found(from), []);
  });

  it('never answers 5xx when an edit meets a move, and both end consistent', async () => {
    const repairs = await Promise.all(
      [1, 2, 3, 4].map(() =>
        created(t.root!, { unitNumber: unique('R'), description: 'race', customerId: ids.fleetA, technicianId: ids.tech2 }),
      ),
    );
    for (const r of repairs) assert.equal((await post(t.root, `/api/repairs/${r.id}/approve`)).status, 200);
    // Half race a start (both take effect), half a start then a complete (the edit may come too late).
    const answers = await Promise.all(
      repairs.map(async (r, i) => {
        const move = i % 2 === 0 ? 'start' : 'complete';
        if (move === 'complete') assert.equal((await post(t['tech-two'], `/api/repairs/${r.id}/start`)).status, 200);
        const [edit, moved] = await Promise.all([
          patch(t.root, r.id, { description: `edited ${i}`, unitNumber: `${r.id}-E` }),
          post(t['tech-two'], `/api/repairs/${r.id}/${move}`),
        ]);
        return { r, move, edit, moved };
      }),
    );
    for (const { r, move, edit, moved } of answers) {
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.ok([200, 409].includes(edit.status), `edit answered ${edit.status}: ${JSON.stringify(edit.body)}`);
      if (move === 'start') assert.equal(edit.status, 200, 'an edit is allowed before and after a start');
      const now = (await get(t.root!, `/api/repairs/${r.id}`)).body;
      const { items, edits } = await history(r.id);
      assertChain(items);
      assert.equal(items.at(-1).to, now.status);
      assert.equal(now.status, move === 'start' ? 'IN_PROGRESS' : 'COMPLETED');
      assert.equal(edits.length, edit.status === 200 ? 1 : 0);
      assert.equal(now.description, edit.status === 200 ? edits[0].changes.description.to : 'race');
      if (edit.status === 200) assert.ok(edits[0].status === 'APPROVED' || edits[0].status === 'IN_PROGRESS');
      else assert.match(edit.body.error.message, /COMPLETED|finished/);
      const attr = (await h.deps.temporal.client.workflow.getHandle(r.workflowId).describe()).typedSearchAttributes;
      assert.equal(attr.get(SA.UnitNumber), now.unitNumber);
    }
  });

  it('refuses an edit once the repair is COMPLETED or DENIED (409), changing nothing', async () => {
    const done = await created(t.root!, { unitNumber: unique('D'), description: 'done', customerId: ids.fleetA, technicianId: ids.tech1 });
    for (const move of ['approve', 'start', 'complete']) assert.equal((await post(t.root, `/api/repairs/${done.id}/${move}`)).status, 200);
    const denied = await created(t.root!, { unitNumber: unique('N'), description: 'no', customerId: ids.fleetA, technicianId: ids.tech1 });
    assert.equal((await post(t.alice, `/api/repairs/${denied.id}/deny`, { reason: 'Not worth fixing now' })).status, 200);
    for (const [r, status] of [
      [done, 'COMPLETED'],
      [denied, 'DENIED'],
    ] as const) {
      for (const token of [t.root, t['tech-one']]) {
        const res = await patch(token, r.id, { description: 'too late' });
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'INVALID_TRANSITION');
        assert.match(res.body.error.message, new RegExp(status));
      }
      const now = (await get(t.root!, `/api/repairs/${r.id}`)).body;
      assert.deepEqual([now.status, now.description], [status, r.id === done.id ? 'done' : 'no']);
      assert.deepEqual((await history(r.id)).edits, []);
    }
  });

  it("refuses in the update's validator, leaving no trace in the workflow's history", async () => {
    const repair = await created(t['tech-one']!, { unitNumber: unique('W'), description: 'found', customerId: ids.fleetA });
    const handle = h.deps.temporal.client.workflow.getHandle(repair.workflowId);
    const alice = await h.db.models.User.query().findOne({ username: 'alice' });
    // What the API would never send: a customer's edit of a PENDING repair, straight to the workflow.
    await assert.rejects(
      handle.executeUpdate(editUpdate, { args: [{ actor: { userId: alice!.id, role: 'customer' }, changes: { description: 'sneaky' } }] }),
      (err: unknown) =>
        err instanceof WorkflowUpdateFailedError && /a customer cannot edit a repair that is PENDING/.test(String(err.cause)),
    );
    const events = (await handle.fetchHistory()).events ?? [];
    assert.ok(!events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes), 'no update accepted');
    assert.equal((await get(t.root!, `/api/repairs/${repair.id}`)).body.description, 'found');

    // A value the database refuses (the API never sends one) fails the edit instead of retrying
    // forever under the lock: the next move goes through.
    const root = await h.db.models.User.query().findOne({ username: 'root' });
    await assert.rejects(
      handle.executeUpdate(editUpdate, { args: [{ actor: { userId: root!.id, role: 'admin' }, changes: { description: 'a\u0000b' } }] }),
      WorkflowUpdateFailedError,
    );
    assert.equal((await post(t.alice, `/api/repairs/${repair.id}/approve`)).status, 200);
    assert.deepEqual((await history(repair.id)).edits, []);
  });
});
