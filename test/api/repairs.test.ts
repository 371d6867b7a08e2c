import assert from 'node:assert/strict';
import { approveSignal } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import type { Harness } from '../support/harness';
import { repairRequests, startRepairsWorld, type RepairsWorld } from './repairs-fixtures';

describe('api: repairs through their lifecycle', () => {
  let h: Harness;
  let t: RepairsWorld['t'];
  let ids: RepairsWorld['ids'];

  before(async () => {
    ({ h, t, ids } = await startRepairsWorld());
  });
  after(() => h?.close());

  const { get, post, created } = repairRequests(() => h);
  const assignedTo = async (id: number) =>
    eventually(async () => ((await get(t.root!, `/api/repairs/${id}`)).body.technicianId ?? undefined) as number | undefined, 'assignment');

  it('customer request → technician submits → customer approves → technician starts and completes', async () => {
    const repair = await created(t.alice!, { unitNumber: 'A-100', description: 'chip on driver side', damageType: 'chip' });
    assert.equal(repair.status, 'REQUESTED');
    const tech = await assignedTo(repair.id);
    const techToken = tech === ids.tech1 ? t['tech-one']! : t['tech-two']!;

    const submitted = await post(techToken, `/api/repairs/${repair.id}/submit`, { estimatedCost: 50, notes: 'standard chip' });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'PENDING');
    assert.equal(submitted.body.estimatedCost, 50);

    const approved = await post(t.alan, `/api/repairs/${repair.id}/approve`); // another user of the same customer
    assert.equal(approved.status, 200);
    assert.equal(approved.body.status, 'APPROVED');
    assert.equal((await post(techToken, `/api/repairs/${repair.id}/start`)).body.status, 'IN_PROGRESS');
    const done = await post(techToken, `/api/repairs/${repair.id}/complete`);
    assert.equal(done.status, 200);
    assert.deepEqual([done.body.status, done.body.cost, done.body.discountedCost], ['COMPLETED', 50, 50]);

    const history = await get(t.alice!, `/api/repairs/${repair.id}/history`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.items.map((m: any) => [m.from, m.to, m.role]),
      [
        [null, 'REQUESTED', 'customer'],
        ['REQUESTED', 'REQUESTED', 'system'],
        ['REQUESTED', 'PENDING', 'technician'],
        ['PENDING', 'APPROVED', 'customer'],
        ['APPROVED', 'IN_PROGRESS', 'technician'],
        ['IN_PROGRESS', 'COMPLETED', 'technician'],
      ],
    );
    const alan = await h.db.models.User.query().findOne({ username: 'alan' });
    assert.equal(history.body.items[3].byUserId, alan!.id);
    assert.equal(history.body.items[2].notes, 'standard chip');
    for (const m of history.body.items) assert.ok(!Number.isNaN(Date.parse(m.at)));
  });

  it('technician finds damage in the field (PENDING, their own) → customer denies with a reason', async () => {
    const repair = await created(t['tech-two']!, {
      unitNumber: 'A-200',
      description: 'long crack',
      customerId: ids.fleetA,
      estimatedCost: 35,
    });
    assert.equal(repair.status, 'PENDING');
    assert.equal(repair.technicianId, ids.tech2);
    const short = await post(t.alice, `/api/repairs/${repair.id}/deny`, { reason: '  too bad  ' });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.error.fields, { reason: 'must be at least 10 characters' });
    const denied = await post(t.alice, `/api/repairs/${repair.id}/deny`, { reason: '  Vehicle is being sold next week  ' });
    assert.equal(denied.status, 200);
    assert.equal(denied.body.status, 'DENIED');
    assert.equal(denied.body.denialReason, 'Vehicle is being sold next week');
    const history = await get(t.alice!, `/api/repairs/${repair.id}/history`);
    assert.equal(history.body.items.at(-1).reason, 'Vehicle is being sold next week');

    const again = await post(t.alice, `/api/repairs/${repair.id}/approve`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'INVALID_TRANSITION');
  });

  it('admin creates for a customer, reassigns, and makes every move', async () => {
    const repair = await created(t.root!, { unitNumber: 'A-300', description: 'star', customerId: ids.fleetA, technicianId: ids.tech1 });
    const moved = await post(t.root, `/api/repairs/${repair.id}/assign`, { technicianId: ids.tech2 });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.technicianId, ids.tech2);
    const events = await h.db.models.NotificationEvent.query().where('repairId', repair.id).orderBy('id');
    assert.deepEqual(
      events.map((e) => [e.type, e.payload.technicianId]),
      [
        ['approval_requested', ids.tech1],
        ['technician_assigned', ids.tech1],
        ['technician_assigned', ids.tech2],
        ['technician_unassigned', ids.tech1],
      ],
    );
    for (const move of ['approve', 'start', 'complete']) {
      const res = await post(t.root, `/api/repairs/${repair.id}/${move}`);
      assert.equal(res.status, 200, `${move}: ${JSON.stringify(res.body)}`);
    }
    const final = await get(t.root!, `/api/repairs/${repair.id}`);
    assert.equal(final.body.status, 'COMPLETED');
    assert.equal(final.body.cost, 50);
    const assign = await post(t.root, `/api/repairs/${repair.id}/assign`, { technicianId: ids.tech1 });
    assert.equal(assign.status, 409, 'a finished repair cannot be reassigned');
  });

  it("gives an admin's field find without a named technician the least-loaded one", async () => {
    const repair = await created(t.root!, { unitNumber: 'A-350', description: 'found on a lot walk', customerId: ids.fleetA });
    assert.equal(repair.status, 'PENDING');
    assert.equal(repair.technicianId, null);
    const tech = await assignedTo(repair.id);
    assert.ok([ids.tech1, ids.tech2].includes(tech));
    assert.equal((await get(t.root!, `/api/repairs/${repair.id}`)).body.status, 'PENDING');
  });

  it('answers 401, 403, 404, 409 and 400 as the contract says, changing nothing', async () => {
    const repair = await created(t['tech-one']!, { unitNumber: 'A-400', description: 'chip', customerId: ids.fleetA });
    const statusNow = async () => (await h.db.models.Repair.query().findById(repair.id))!.status;
    const historyNow = async () => h.db.models.RepairHistory.query().where('repairId', repair.id).resultSize();
    const before = await historyNow();

    assert.equal((await post(undefined, `/api/repairs/${repair.id}/approve`)).status, 401);
    for (const [token, move, body] of [
      [t['tech-one'], 'approve', undefined], // technicians do not approve
      [t['tech-two'], 'start', undefined], // not visible: PENDING and not theirs
      [t.alice, 'start', undefined], // customers do not start
      [t.alice, 'assign', { technicianId: ids.tech2 }], // only admins assign
      [t['tech-one'], 'assign', { technicianId: ids.tech2 }],
    ] as const) {
      const res = await post(token, `/api/repairs/${repair.id}/${move}`, body);
      if (token === t['tech-two']) {
        assert.equal(res.status, 404, 'a PENDING repair of another technician is not visible to tech-two');
      } else {
        assert.equal(res.status, 403, `${move}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
    }
    const other = await post(t.bob, `/api/repairs/${repair.id}/approve`);
    assert.equal(other.status, 404, "another customer's repair does not exist for bob");
    assert.equal((await post(t.alice, '/api/repairs/999999/approve')).status, 404);

    const early = await post(t['tech-one'], `/api/repairs/${repair.id}/start`);
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'INVALID_TRANSITION');
    assert.match(early.body.error.message, /PENDING/);

    // The body is checked first: a bad body is a 400 whatever the state.
    const negative = await post(t['tech-one'], `/api/repairs/${repair.id}/submit`, { estimatedCost: -5 });
    assert.equal(negative.status, 400);
    assert.deepEqual(negative.body.error.fields, { estimatedCost: 'must not be negative' });
    const resubmit = await post(t['tech-one'], `/api/repairs/${repair.id}/submit`, { estimatedCost: 5 });
    assert.equal(resubmit.status, 409, 'a PENDING repair cannot be submitted again');
    const noTech = await post(t.root, `/api/repairs/${repair.id}/assign`, {});
    assert.equal(noTech.status, 400);
    assert.deepEqual(noTech.body.error.fields, { technicianId: 'is required' });
    await h.db.models.Technician.query().patch({ isActive: false }).where('id', ids.tech2);
    const inactive = await post(t.root, `/api/repairs/${repair.id}/assign`, { technicianId: ids.tech2 });
    await h.db.models.Technician.query().patch({ isActive: true }).where('id', ids.tech2);
    assert.equal(inactive.status, 400);
    assert.match(inactive.body.error.fields.technicianId, /no active technician/);

    assert.equal(await statusNow(), 'PENDING');
    assert.equal(await historyNow(), before);
  });

  it('refuses bad bodies on create with the field and the reason', async () => {
    const bad = await post(t['tech-one'], '/api/repairs', { unitNumber: 'X', description: 'y', customerId: 424242, estimatedCost: 1.001 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields.estimatedCost, 'must have at most 2 decimals');
    const ghost = await post(t['tech-one'], '/api/repairs', { unitNumber: 'X', description: 'y', customerId: 424242 });
    assert.equal(ghost.status, 400);
    assert.deepEqual(ghost.body.error.fields, { customerId: 'customer 424242 does not exist' });
    const naming = await post(t['tech-one'], '/api/repairs', {
      unitNumber: 'X',
      description: 'y',
      customerId: ids.fleetA,
      technicianId: ids.tech2,
    });
    assert.equal(naming.status, 403, 'only admins name another technician');
  });

  it('keeps two customers apart: lists, reads and history', async () => {
    const mine = await created(t.bob!, { unitNumber: 'B-1', description: 'chip' });
    const list = await get(t.alice!, '/api/repairs?pageSize=100');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.length > 0);
    assert.ok(list.body.items.every((r: any) => r.customerId === ids.fleetA));
    assert.equal((await get(t.alice!, `/api/repairs/${mine.id}`)).status, 404);
    assert.equal((await get(t.alice!, `/api/repairs/${mine.id}/history`)).status, 404);
    const bobs = await get(t.bob!, '/api/repairs');
    assert.deepEqual(
      bobs.body.items.map((r: any) => r.id),
      [mine.id],
    );
    assert.equal(bobs.body.total, 1);
  });

  it('filters and pages lists; technicians see every REQUESTED repair plus their own, flagged', async () => {
    const page1 = await get(t.root!, '/api/repairs?page=1&pageSize=2');
    const page2 = await get(t.root!, '/api/repairs?page=2&pageSize=2');
    assert.equal(page1.body.items.length, 2);
    assert.deepEqual([page1.body.page, page1.body.pageSize], [1, 2]);
    assert.equal(page1.body.total, page2.body.total);
    assert.ok(page1.body.items[0].id > page2.body.items[0].id, 'newest first');
    const byUnit = await get(t.root!, '/api/repairs?unitNumber=A-200');
    assert.deepEqual(
      byUnit.body.items.map((r: any) => r.unitNumber),
      ['A-200'],
    );
    const denied = await get(t.root!, '/api/repairs?status=DENIED');
    assert.ok(denied.body.items.every((r: any) => r.status === 'DENIED'));
    assert.equal((await get(t.root!, '/api/repairs?status=LOST')).status, 400);

    await h.db.models.Technician.query().patch({ isActive: false });
    const waiting = await created(t.bob!, { unitNumber: 'B-2', description: 'unassigned for now' });
    try {
      const seen = await get(t['tech-one']!, '/api/repairs?pageSize=100');
      const visible = seen.body.items as any[];
      assert.ok(
        visible.some((r) => r.id === waiting.id && r.assignedToMe === false),
        'a REQUESTED repair of any customer',
      );
      assert.ok(visible.every((r) => r.status === 'REQUESTED' || r.technicianId === ids.tech1));
      assert.ok(visible.filter((r) => r.technicianId === ids.tech1).every((r) => r.assignedToMe === true));
    } finally {
      await h.db.models.Technician.query().patch({ isActive: true });
    }
    await assignedTo(waiting.id);
  });

  it('moves a repair on a signal sent by an admin from a Temporal client', async () => {
    const repair = await created(t['tech-one']!, { unitNumber: 'A-500', description: 'chip', customerId: ids.fleetA });
    await h.deps.temporal.client.workflow.getHandle(repair.workflowId).signal(approveSignal, {});
    const approved = await eventually(async () => {
      const r = await get(t.alice!, `/api/repairs/${repair.id}`);
      return r.body.status === 'APPROVED' ? r.body : undefined;
    }, 'approval through the signal');
    assert.equal(approved.status, 'APPROVED');
    const history = await get(t.alice!, `/api/repairs/${repair.id}/history`);
    assert.deepEqual(history.body.items.at(-1), {
      ...history.body.items.at(-1),
      from: 'PENDING',
      to: 'APPROVED',
      role: 'admin',
      byUserId: null,
    });
  });
});
