import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { expectAccess } from './access';

interface Tech {
  id: number;
  userId: number;
  isActive: boolean;
  assignable: boolean;
  activeRepairs: number;
}

describe('api: technicians taken off and put back on assignment', () => {
  let h: Harness;
  const tokens = { customer: '', technician: '', admin: '' };
  let fleet = 0;
  let unit = 0;

  const technicians = async (): Promise<Tech[]> => (await h.request('GET', '/api/technicians', { token: tokens.admin })).body.items;
  /** The technician assignment picks next (least load, then lowest id) and the other one. */
  const nextAndOther = async (): Promise<[Tech, Tech]> => {
    const [next, other] = (await technicians()).sort((a, b) => a.activeRepairs - b.activeRepairs || a.id - b.id);
    return [next!, other!];
  };
  const setActive = (id: number, active: boolean) =>
    h.request('PATCH', `/api/technicians/${id}`, { token: tokens.admin, body: { active } });
  const setUserActive = (id: number, active: boolean) => h.request('PATCH', `/api/users/${id}`, { token: tokens.admin, body: { active } });
  const requestRepair = async (): Promise<number> => {
    const res = await h.request('POST', '/api/repairs', {
      token: tokens.customer,
      body: { unitNumber: `U-${++unit}`, description: 'chip' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  };
  const technicianOf = async (repairId: number) =>
    (await h.request('GET', `/api/repairs/${repairId}`, { token: tokens.admin })).body.technicianId as number | null;
  const assignedTo = (repairId: number) => eventually(async () => (await technicianOf(repairId)) ?? undefined, 'assignment');
  const assign = (repairId: number, technicianId: number) =>
    h.request('POST', `/api/repairs/${repairId}/assign`, { token: tokens.admin, body: { technicianId } });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  before(async () => {
    h = await startHarness({ ASSIGNMENT_RETRY_PERIOD: '300ms' });
    fleet = await insertCustomer(h.db, 'Fleet');
    await insertUser(h.db, 'alice', 'customer', { customerId: fleet });
    await insertUser(h.db, 'tech-one', 'technician');
    await insertUser(h.db, 'tech-two', 'technician');
    await insertUser(h.db, 'root', 'admin');
    tokens.customer = await h.login('alice', PASSWORD);
    tokens.technician = await h.login('tech-one', PASSWORD);
    tokens.admin = await h.login('root', PASSWORD);
  });
  after(() => h?.close());

  it('PATCH /technicians/:id is for admins; 404 for an unknown id; 400 naming active', async () => {
    const [tech] = await technicians();
    const only = { none: 401, customer: 403, technician: 403, admin: 200 };
    await expectAccess(h, tokens, { method: 'PATCH', path: `/api/technicians/${tech!.id}`, body: { active: true } }, only);
    assert.equal((await setActive(999999, false)).status, 404);
    const missing = await h.request('PATCH', `/api/technicians/${tech!.id}`, { token: tokens.admin, body: {} });
    assert.deepEqual([missing.status, missing.body.error.fields], [400, { active: 'is required' }]);
    const wrong = await h.request('PATCH', `/api/technicians/${tech!.id}`, { token: tokens.admin, body: { active: 'no' } });
    assert.deepEqual([wrong.status, Object.keys(wrong.body.error.fields)], [400, ['active']]);
    assert.equal((await technicians()).find((t) => t.id === tech!.id)!.isActive, true, 'nothing changed');
  });

  it('an inactive technician gets no new repairs: they go to the active one, even past equal load', async () => {
    const [next, other] = await nextAndOther();
    const off = await setActive(next.id, false);
    assert.equal(off.status, 200);
    assert.deepEqual([off.body.id, off.body.isActive, off.body.assignable], [next.id, false, false]);
    try {
      for (let i = 0; i < 2; i++) assert.equal(await assignedTo(await requestRepair()), other.id);
    } finally {
      await setActive(next.id, true);
    }
    const [again] = await nextAndOther();
    assert.equal(again.id, next.id, 'back on, and now the least loaded');
    assert.equal(await assignedTo(await requestRepair()), next.id);
  });

  it('with nobody active a repair waits, and is assigned once a technician is back', async () => {
    const all = await technicians();
    for (const t of all) await setActive(t.id, false);
    let repair = 0;
    try {
      repair = await requestRepair();
      await pause(1200); // several assignment retries
      assert.equal(await technicianOf(repair), null);
    } finally {
      await setActive(all[0]!.id, true);
      await setActive(all[1]!.id, true);
    }
    assert.ok(all.map((t) => t.id).includes(await assignedTo(repair)), 'assigned once someone is active');
  });

  it('open repairs stay with a deactivated technician until an admin reassigns; assigning to them is refused', async () => {
    const repair = await requestRepair();
    const holder = await assignedTo(repair);
    const other = (await technicians()).find((t) => t.id !== holder)!;
    await setActive(holder, false);
    try {
      await pause(1000);
      assert.equal(await technicianOf(repair), holder, 'not taken away');
      const refused = await assign(repair, holder);
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.fields.technicianId, /no active technician/);
      const moved = await assign(repair, other.id);
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(await technicianOf(repair), other.id);
    } finally {
      await setActive(holder, true);
    }
  });

  it('a technician whose user is deactivated gets no new repairs, by assignment or by an admin', async () => {
    const [next, other] = await nextAndOther();
    await setUserActive(next.userId, false);
    try {
      const listed = (await technicians()).find((t) => t.id === next.id)!;
      assert.deepEqual([listed.isActive, listed.assignable], [true, false], 'the profile is untouched; the user is not');
      const repair = await requestRepair();
      assert.equal(await assignedTo(repair), other.id);
      assert.equal((await assign(repair, next.id)).status, 400);
      const named = await h.request('POST', '/api/repairs', {
        token: tokens.admin,
        body: { customerId: fleet, unitNumber: 'U-named', description: 'chip', technicianId: next.id },
      });
      assert.equal(named.status, 400);
      assert.match(named.body.error.fields.technicianId, /no active technician/);
    } finally {
      await setUserActive(next.userId, true);
    }
    assert.equal((await technicians()).find((t) => t.id === next.id)!.assignable, true);
  });
});
