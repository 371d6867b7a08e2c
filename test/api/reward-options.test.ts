import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { assertAdminOnly } from './admin-access';
import { ok, requests } from './requests';

const OPTION = { name: '$8 off a repair', pointsRequired: 30, discountType: 'FIXED', discountValue: 8 };

describe('api: admin reward options', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  let caraId = 0;

  before(async () => {
    h = await startHarness();
    caraId = (await insertUser(h.db, 'cara', 'customer', { customerId: await insertCustomer(h.db, 'Fleet R') })).userId;
    await insertUser(h.db, 'tim', 'technician');
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['cara', 'tim', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const { get, post } = requests(() => h);
  const patch = (id: number, body: unknown) => h.request('PATCH', `/api/admin/reward-options/${id}`, { token: t.root!, body });
  const create = async (body: unknown) => ok(await post(t.root, '/api/admin/reward-options', body), 201);
  const offered = async () => (ok(await get(t.cara, '/api/rewards/options')).items as any[]).map((o) => o.name);
  const fields = async (res: Promise<{ status: number; body: any }>, status = 400) => ok(await res, status).error.fields;

  it('is for admins only', async () => {
    await assertAdminOnly(h, { customer: t.cara!, technician: t.tim! }, [
      { method: 'GET', path: '/api/admin/reward-options' },
      { method: 'POST', path: '/api/admin/reward-options', body: OPTION },
      { method: 'PATCH', path: '/api/admin/reward-options/1', body: { active: false } },
    ]);
    assert.equal((await offered()).length, 3, 'nothing was written');
  });

  it('lists every option, retired ones included, and answers 404 for an unknown one', async () => {
    const items = ok(await get(t.root, '/api/admin/reward-options')).items;
    assert.deepEqual(
      items.map((o: any) => [o.name, o.active]),
      [
        ['$5 off a repair', true],
        ['10% off a repair', true],
        ['A free repair', true],
      ],
    );
    assert.equal((await patch(999999, { active: false })).status, 404);
    assert.equal((await patch(0, { active: false })).status, 400);
  });

  it('adds an option, offered to customers at once', async () => {
    const created = await create(OPTION);
    assert.deepEqual({ ...created, id: 0, createdAt: 0, updatedAt: 0 }, { ...OPTION, id: 0, active: true, createdAt: 0, updatedAt: 0 });
    assert.ok((await offered()).includes(OPTION.name));
  });

  it('validates options, naming the field', async () => {
    const url = '/api/admin/reward-options';
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: 'x', discountType: 'PERCENT', discountValue: 101 })), {
      discountValue: 'must be at most 100 for a PERCENT discount',
    });
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: 'x', pointsRequired: 0 })), {
      pointsRequired: 'must be greater than 0',
    });
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: 'x', pointsRequired: 2.5 })), {
      pointsRequired: 'must be an int',
    });
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: 'x', discountValue: -1 })), {
      discountValue: 'must be greater than 0',
    });
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: 'x', discountValue: 1.005 })), {
      discountValue: 'must have at most 2 decimals',
    });
    assert.ok((await fields(post(t.root, url, { ...OPTION, name: 'x', discountType: 'FREE' }))).discountType);
    assert.deepEqual(await fields(post(t.root, url, { ...OPTION, name: ' ' })), { name: 'must not be empty' });
    const [first] = ok(await get(t.root, url)).items;
    assert.ok(await fields(patch(first.id, {})));
    assert.ok((await fields(patch(first.id, { discountType: 'PERCENT' }))) !== undefined, 'the type is not changed in place');
    assert.deepEqual(await fields(patch(2, { discountValue: 150 })), { discountValue: 'must be at most 100 for a PERCENT discount' });
  });

  it('keeps names unique among active options (409), in any case', async () => {
    const res = ok(await post(t.root, '/api/admin/reward-options', { ...OPTION, name: '$8 OFF A REPAIR' }), 409);
    assert.deepEqual(res.error.fields, { name: 'is already the name of an active reward option' });
    const other = await create({ ...OPTION, name: 'Spare' });
    assert.deepEqual(await fields(patch(other.id, { name: '$8 off a repair' }), 409), {
      name: 'is already the name of an active reward option',
    });
  });

  it('has no DELETE, and the database refuses deleting an option', async () => {
    assert.equal((await h.request('DELETE', '/api/admin/reward-options/1', { token: t.root! })).status, 405);
    await assert.rejects(h.db.knex('reward_options').where('id', 3).delete(), /cannot be deleted; retire it/);
  });

  async function completeRepair(unitNumber: string): Promise<{ cost: number; discountedCost: number }> {
    const id = ok(await post(t.cara, '/api/repairs', { unitNumber, description: 'chip' }), 201).id as number;
    await eventually(
      async () => (ok(await get(t.root, `/api/repairs/${id}`)).technicianId ?? undefined) as number | undefined,
      'assignment',
    );
    for (const move of ['submit', 'approve', 'start', 'complete']) ok(await post(t.root, `/api/repairs/${id}/${move}`, {}));
    return ok(await get(t.root, `/api/repairs/${id}`));
  }

  it('retires an option: no longer offered nor redeemable, its pending redemption stays valid and applies', async () => {
    const option = (ok(await get(t.root, '/api/admin/reward-options')).items as any[]).find((o) => o.name === OPTION.name);
    await h.db.knex('reward_points').insert({ user_id: caraId, delta: 100, reason: 'repair_completed', ref: 'test:cara:100' });
    const redeemed = ok(await post(t.cara, '/api/rewards/redeem', { rewardOptionId: option.id }), 201);
    assert.equal(redeemed.status, 'PENDING');

    const retired = ok(await patch(option.id, { active: false }));
    assert.equal(retired.active, false);
    assert.ok(!(await offered()).includes(OPTION.name));
    const again = await post(t.cara, '/api/rewards/redeem', { rewardOptionId: option.id });
    assert.equal(again.status, 400);
    assert.deepEqual(again.body.error.fields, { rewardOptionId: 'no such reward option' });
    const listed = (ok(await get(t.root, '/api/admin/reward-options')).items as any[]).find((o) => o.id === option.id);
    assert.equal(listed.active, false, 'still listed to admins');

    const repair = await completeRepair('R-1');
    assert.deepEqual([repair.cost, repair.discountedCost], [50, 42]);
    const mine = ok(await get(t.cara, '/api/rewards')).redemptions.find((r: any) => r.id === redeemed.id);
    assert.deepEqual([mine.status, mine.name], ['APPLIED', OPTION.name]);
  });

  it('may reuse a retired name, reactivate and reprice; a discount bought by a pending redemption cannot change', async () => {
    const option = (ok(await get(t.root, '/api/admin/reward-options')).items as any[]).find((o) => o.name === OPTION.name);
    const successor = await create(OPTION);
    assert.notEqual(successor.id, option.id, 'a retired name may be used again');
    assert.deepEqual(await fields(patch(option.id, { active: true }), 409), { name: 'is already the name of an active reward option' });
    ok(await patch(option.id, { name: '$8 off (old)', active: true }));
    const pending = ok(await post(t.cara, '/api/rewards/redeem', { rewardOptionId: option.id }), 201);
    assert.deepEqual(await fields(patch(option.id, { discountValue: 9 }), 409), {
      discountValue: 'cannot change while redemptions of this option are pending',
    });
    const repriced = ok(await patch(option.id, { pointsRequired: 45, discountValue: 8 }));
    assert.equal(repriced.pointsRequired, 45);
    const mine = ok(await get(t.cara, '/api/rewards')).redemptions.find((r: any) => r.id === pending.id);
    assert.equal(mine.pointsSpent, 30, 'the points it cost then, not the new price');
    assert.equal(ok(await get(t.cara, '/api/rewards/options')).items.find((o: any) => o.id === option.id).pointsRequired, 45);
  });
});
