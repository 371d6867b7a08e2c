import assert from 'node:assert/strict';
import { creditReferral } from '../../src/api/rewards/referrals';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

describe('api: rewards and referrals', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids = { fleetA: 0, fleetB: 0, alice: 0, alan: 0, bob: 0, tech: 0 };

  before(async () => {
    h = await startHarness({ REWARD_POINTS_PER_REPAIR: '10', REWARD_REFERRER_POINTS: '50', REWARD_REFERRED_POINTS: '25' });
    ids.fleetA = await insertCustomer(h.db, 'Fleet A');
    ids.fleetB = await insertCustomer(h.db, 'Fleet B');
    ids.alice = (await insertUser(h.db, 'alice', 'customer', { customerId: ids.fleetA })).userId;
    ids.alan = (await insertUser(h.db, 'alan', 'customer', { customerId: ids.fleetA })).userId;
    ids.bob = (await insertUser(h.db, 'bob', 'customer', { customerId: ids.fleetB })).userId;
    ids.tech = (await insertUser(h.db, 'tech', 'technician')).technicianId as number;
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['alice', 'alan', 'bob', 'tech', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const post = (token: string, path: string, body?: unknown) => h.request('POST', path, { token, ...(body === undefined ? {} : { body }) });
  const get = (token: string, path: string) => h.request('GET', path, { token });
  const points = async (name: string) => (await get(t[name]!, '/api/rewards')).body.points as number;
  const grant = (userId: number, delta: number, ref: string) =>
    h.db.knex('reward_points').insert({ user_id: userId, delta, reason: 'repair_completed', ref });

  async function complete(token: string, body: Record<string, unknown>) {
    const res = await post(token, '/api/repairs', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id as number;
    await eventually(
      async () => ((await get(t.root!, `/api/repairs/${id}`)).body.technicianId ?? undefined) as number | undefined,
      'assignment',
    );
    if (res.body.status === 'REQUESTED') assert.equal((await post(t.root!, `/api/repairs/${id}/submit`, {})).status, 200);
    for (const move of ['approve', 'start', 'complete'])
      assert.equal((await post(t.root!, `/api/repairs/${id}/${move}`)).status, 200, move);
    return id;
  }

  it('lists the reward options to every role', async () => {
    for (const name of ['alice', 'tech', 'root']) {
      const res = await get(t[name]!, '/api/rewards/options');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.items.map((o: any) => [o.pointsRequired, o.discountType, o.discountValue]),
        [
          [50, 'FIXED', 5],
          [100, 'PERCENT', 10],
          [400, 'PERCENT', 100],
        ],
      );
    }
  });

  it("credits the requester for each completed repair, and a field find to the customer's first user", async () => {
    assert.equal(await points('alan'), 0);
    await complete(t.alan!, { unitNumber: 'P-1', description: 'chip' });
    await complete(t.alan!, { unitNumber: 'P-1', description: 'chip again' });
    assert.equal(await points('alan'), 20);
    await complete(t.root!, { unitNumber: 'P-2', description: 'lot walk', customerId: ids.fleetA, technicianId: ids.tech });
    assert.equal(await points('alice'), 10, 'alice is the first user of Fleet A');
    assert.equal(await points('alan'), 20);
  });

  it('refuses a redemption with too few points (409) and changes nothing', async () => {
    const before = await points('alan');
    const res = await post(t.alan!, '/api/rewards/redeem', { rewardOptionId: 3 });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'INSUFFICIENT_POINTS');
    assert.match(res.body.error.message, /needs 400 points; you have 20/);
    assert.equal(await points('alan'), before);
    assert.deepEqual((await get(t.alan!, '/api/rewards')).body.redemptions, []);
  });

  it('redeems: a PENDING redemption, the points spent, then APPLIED to the next completed repair', async () => {
    await grant(ids.alan, 40, 'test:alan:40');
    const res = await post(t.alan!, '/api/rewards/redeem', { rewardOptionId: 1 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.pointsSpent, res.body.name], ['PENDING', 50, '$5 off a repair']);
    assert.equal(await points('alan'), 10);

    const repairId = await complete(t.alan!, { unitNumber: 'P-9', description: 'chip' });
    const rewards = (await get(t.alan!, '/api/rewards')).body;
    assert.deepEqual([rewards.redemptions[0].status, rewards.redemptions[0].appliedToRepairId], ['APPLIED', repairId]);
    const repair = (await get(t.alan!, `/api/repairs/${repairId}`)).body;
    assert.deepEqual([repair.cost, repair.discountedCost], [50, 45]);
    assert.equal(await points('alan'), 20, 'the completion credits its own points');
  });

  it('never double-spends: 10 simultaneous redemptions with points for 3', async () => {
    await grant(ids.bob, 150, 'test:bob:150');
    const results = await Promise.all(Array.from({ length: 10 }, () => post(t.bob!, '/api/rewards/redeem', { rewardOptionId: 1 })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409, 409, 409, 409, 409]);
    assert.equal(await points('bob'), 0);
    assert.equal((await get(t.bob!, '/api/rewards')).body.redemptions.length, 3);
    const [{ min }] = await h.db.knex
      .raw('select min(running) as min from (select sum(delta) over (order by id) as running from reward_points where user_id = ?) s', [
        ids.bob,
      ])
      .then((r: any) => r.rows);
    assert.ok(Number(min) >= 0, 'the balance was never negative');
  });

  it('validates redemptions and keeps them to customers', async () => {
    assert.equal((await post(t.alan!, '/api/rewards/redeem', { rewardOptionId: 999 })).status, 400);
    assert.equal((await post(t.alan!, '/api/rewards/redeem', {})).body.error.fields.rewardOptionId, 'is required');
    assert.equal((await post(t.tech!, '/api/rewards/redeem', { rewardOptionId: 1 })).status, 403);
    assert.equal((await get(t.root!, '/api/rewards')).status, 403);
    assert.equal((await h.request('GET', '/api/referrals/code')).status, 401);
  });

  describe('referrals', () => {
    it('gives each customer user one stable, unguessable code', async () => {
      const a = (await get(t.alice!, '/api/referrals/code')).body.code;
      assert.match(a, /^[0-9A-HJKMNP-TV-Z]{10}$/);
      assert.equal((await get(t.alice!, '/api/referrals/code')).body.code, a);
      assert.notEqual((await get(t.bob!, '/api/referrals/code')).body.code, a);
      assert.equal((await get(t.tech!, '/api/referrals/code')).status, 403);
    });

    it('credits both sides once when a new customer user signs up with a code', async () => {
      const code = (await get(t.alice!, '/api/referrals/code')).body.code as string;
      const before = await points('alice');
      const res = await post(t.root!, '/api/users', {
        username: 'newbie',
        password: 'long-enough-pw',
        role: 'customer',
        customerId: ids.fleetB,
        referralCode: code.toLowerCase(),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(await points('alice'), before + 50);
      t.newbie = await h.login('newbie', 'long-enough-pw');
      assert.equal(await points('newbie'), 25);
      const credits = await h.db.knex('reward_points').where('ref', 'like', `referral:${res.body.id}:%`);
      assert.equal(credits.length, 2);
    });

    it('refuses abuse: a code of the own customer, a made-up code, and codes for staff', async () => {
      const usersBefore = await h.db.models.User.query().resultSize();
      const own = await post(t.root!, '/api/users', {
        username: 'sibling',
        password: 'long-enough-pw',
        role: 'customer',
        customerId: ids.fleetA,
        referralCode: (await get(t.alice!, '/api/referrals/code')).body.code,
      });
      assert.equal(own.status, 400);
      assert.deepEqual(own.body.error.fields, { referralCode: "cannot be a code of the user's own customer" });
      const fake = await post(t.root!, '/api/users', {
        username: 'faker',
        password: 'long-enough-pw',
        role: 'customer',
        customerId: ids.fleetB,
        referralCode: 'ZZZZZZZZZZ',
      });
      assert.deepEqual(fake.body.error.fields, { referralCode: 'no such referral code' });
      const staff = await post(t.root!, '/api/users', {
        username: 'techy',
        password: 'long-enough-pw',
        role: 'technician',
        referralCode: 'ZZZZZZZZZZ',
      });
      assert.deepEqual(staff.body.error.fields, { referralCode: 'is only for customer users' });
      assert.equal(await h.db.models.User.query().resultSize(), usersBefore, 'nothing was created');
    });

    it('credits a referred user only once, whatever happens to the request', async () => {
      const newbie = await h.db.models.User.query().findOne({ username: 'newbie' });
      await h.db.knex.transaction(async (trx) => {
        const code = (await get(t.bob!, '/api/referrals/code')).body.code as string;
        await creditReferral(trx, { id: newbie!.id, customerId: ids.fleetA }, code, h.config.rewards);
      });
      assert.equal(await points('newbie'), 25, 'a second referral of the same user is ignored');
    });
  });
});
