import assert from 'node:assert/strict';
import { keys } from '../../src/domain/keys';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { ok, requests } from './requests';

const HISTORY = '/api/rewards/history';

describe('api: points history', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids = { fleet: 0, cleo: 0, carl: 0, pia: 0 };
  const { get, post } = requests(() => h);
  const ledger = (userId: number, rows: Array<{ delta: number; reason: string; ref: string; at: string }>) =>
    h.db
      .knex('reward_points')
      .insert(rows.map((r) => ({ user_id: userId, delta: r.delta, reason: r.reason, ref: r.ref, created_at: r.at })));
  /** Every page from the newest, following nextCursor: the entries' ids in the order served. */
  const walk = async (token: string, limit: number) => {
    const seen: number[] = [];
    const pages: any[] = [];
    for (let cursor: string | null = null, i = 0; i === 0 || cursor !== null; i++) {
      const page: any = ok(await get(token, `${HISTORY}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
      assert.ok(page.items.length <= limit);
      pages.push(page);
      seen.push(...page.items.map((e: any) => e.id));
      cursor = page.nextCursor;
      assert.ok(i < 100, 'the pages end');
    }
    return { seen, pages };
  };

  before(async () => {
    h = await startHarness({ REWARD_POINTS_PER_REPAIR: '10' });
    ids.fleet = await insertCustomer(h.db, 'Fleet H');
    ids.cleo = (await insertUser(h.db, 'cleo', 'customer', { customerId: ids.fleet })).userId;
    ids.carl = (await insertUser(h.db, 'carl', 'customer', { customerId: await insertCustomer(h.db, 'Fleet K') })).userId;
    ids.pia = (await insertUser(h.db, 'pia', 'customer', { customerId: await insertCustomer(h.db, 'Fleet P') })).userId;
    await insertUser(h.db, 'tech', 'technician');
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['cleo', 'carl', 'pia', 'tech', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  it('is for customers: 401 without a token, 403 for technicians and admins (as GET /api/rewards)', async () => {
    assert.equal((await get(undefined, HISTORY)).status, 401);
    for (const name of ['tech', 'root']) {
      const res = await get(t[name], HISTORY);
      assert.equal(res.status, 403, name);
      assert.equal(res.body.error.code, 'FORBIDDEN');
    }
    assert.deepEqual(ok(await get(t.pia, HISTORY)), { items: [], nextCursor: null });
  });

  it('explains the balance: earned for a repair, for a referral, spent on a redemption and where it was applied', async () => {
    await ledger(ids.cleo, [
      { delta: 60, reason: 'referral_referred', ref: keys.referralPoints(ids.cleo, 'referred'), at: '2026-11-01T09:00:00Z' },
    ]);
    const redemption = ok(await post(t.cleo, '/api/rewards/redeem', { rewardOptionId: 1 }), 201);
    const created = ok(await post(t.cleo, '/api/repairs', { unitNumber: 'H-1', description: 'chip' }), 201);
    await eventually(
      async () => (ok(await get(t.root, `/api/repairs/${created.id}`)).technicianId as number | null) ?? undefined,
      'assignment',
    );
    if (created.status === 'REQUESTED') ok(await post(t.root, `/api/repairs/${created.id}/submit`, {}));
    for (const move of ['approve', 'start', 'complete']) ok(await post(t.root, `/api/repairs/${created.id}/${move}`));

    const { items, nextCursor } = ok(await get(t.cleo, HISTORY));
    assert.equal(nextCursor, null);
    const shape = items.map((e: any) => ({
      points: e.points,
      reason: e.reason,
      repairId: e.repairId,
      redemption: e.redemption,
      balanceAfter: e.balanceAfter,
    }));
    assert.deepEqual(shape, [
      { points: 10, reason: 'repair_completed', repairId: created.id, redemption: null, balanceAfter: 20 },
      {
        points: -50,
        reason: 'redemption',
        repairId: null,
        redemption: { id: redemption.id, rewardName: '$5 off a repair', status: 'APPLIED', appliedToRepairId: created.id },
        balanceAfter: 10,
      },
      { points: 60, reason: 'referral_referred', repairId: null, redemption: null, balanceAfter: 60 },
    ]);
    assert.equal(ok(await get(t.cleo, '/api/rewards')).points, items[0].balanceAfter, 'the newest balanceAfter is the balance');
    assert.ok(items.every((e: any, i: number) => i === 0 || Date.parse(items[i - 1].createdAt) >= Date.parse(e.createdAt)));
  });

  /**
   * 45 entries for carl, many at one instant and two a microsecond apart (JavaScript dates hold
   * milliseconds: a cursor kept as one would skip or repeat these), interleaved with pia's.
   */
  it('pages newest first by (createdAt, id): every entry once, in order, whatever the page size', async function () {
    this.timeout(30_000);
    const rows = Array.from({ length: 45 }, (_v, i) => ({
      delta: i + 1,
      reason: 'repair_completed',
      ref: `test:carl:${i}`,
      at: i < 20 ? '2026-11-02T10:00:00.123456Z' : i < 22 ? `2026-11-02T10:00:00.12345${7 + i - 20}Z` : `2026-11-0${3 + (i % 5)}T08:00:00Z`,
    }));
    for (const r of rows) {
      await ledger(ids.carl, [r]);
      await ledger(ids.pia, [{ ...r, ref: `test:pia:${r.ref}` }]);
    }
    const expected = (
      await h.db
        .knex('reward_points')
        .where('user_id', ids.carl)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
    ).map((r: any) => r.id);
    const total = rows.reduce((s, r) => s + r.delta, 0);
    for (const limit of [1, 7, 20, 45, 100]) {
      const { seen, pages } = await walk(t.carl!, limit);
      assert.deepEqual(seen, expected, `limit ${limit}`);
      assert.equal(pages.length, Math.max(1, Math.ceil(45 / limit)), `limit ${limit}: no empty page at the end`);
      const all = pages.flatMap((p) => p.items);
      assert.equal(all[0].balanceAfter, total);
      all.forEach((e: any, i: number) => i > 0 && assert.equal(e.balanceAfter, all[i - 1].balanceAfter - all[i - 1].points));
      assert.equal(all.at(-1).balanceAfter - all.at(-1).points, 0, 'the oldest entry started from zero');
    }
    assert.equal(ok(await get(t.carl, HISTORY)).items.length, 20, 'twenty by default');
  });

  it("refuses a bad limit or cursor, naming it, and another user's cursor like an unknown one", async () => {
    for (const limit of ['0', '101', 'abc', '2.5'])
      assert.deepEqual(Object.keys((await get(t.carl, `${HISTORY}?limit=${limit}`)).body.error.fields), ['limit'], limit);
    const piaEntry = (await h.db.knex('reward_points').where('user_id', ids.pia).first('id')).id;
    for (const cursor of ['abc', '-1', '0', '999999999', String(piaEntry)]) {
      const res = await get(t.carl, `${HISTORY}?cursor=${cursor}`);
      assert.equal(res.status, 400, cursor);
      assert.deepEqual(Object.keys(res.body.error.fields), ['cursor'], cursor);
    }
  });
});
