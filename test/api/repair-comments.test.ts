import assert from 'node:assert/strict';
import { recordCommentNotices } from '../../src/db/queries/comment-notices';
import { eventually } from '../support/eventually';
import type { Harness } from '../support/harness';
import { repairRequests, startRepairsWorld, type RepairsWorld } from './repairs-fixtures';

const ROLE: Record<string, string> = {
  alice: 'customer',
  alan: 'customer',
  'tech-one': 'technician',
  'tech-two': 'technician',
  root: 'admin',
};

describe('api: GET/POST /api/repairs/:id/comments', () => {
  let h: Harness;
  let t: RepairsWorld['t'];
  let ids: RepairsWorld['ids'];
  const user: Record<string, number> = {};
  before(async () => {
    ({ h, t, ids } = await startRepairsWorld());
    for (const u of await h.db.models.User.query()) user[u.username] = u.id;
  });
  after(() => h?.close());

  const { get, post, created } = repairRequests(() => h);
  const comment = (token: string | undefined, id: number, body: unknown) => post(token, `/api/repairs/${id}/comments`, body);
  const noticesOf = (commentId: number) =>
    h.db
      .knex('notifications')
      .where('commentId', commentId)
      .orderBy('userId')
      .select('userId', 'priority', 'category', 'channels', 'title', 'message', 'repairId');
  const recipients = async (commentId: number) => (await noticesOf(commentId)).map((n) => n.userId as number);

  it('lets whoever may see the repair read and write; others get 404, no token 401', async () => {
    const repair = await created(t.alice!, { unitNumber: 'C-1', description: 'chip' });
    const tech = await eventually(
      async () => ((await get(t.root!, `/api/repairs/${repair.id}`)).body.technicianId ?? undefined) as number | undefined,
      'assignment',
    );
    const [mine, other] = tech === ids.tech1 ? ['tech-one', 'tech-two'] : ['tech-two', 'tech-one'];
    const path = `/api/repairs/${repair.id}/comments`;

    assert.equal((await h.request('GET', path)).status, 401);
    assert.equal((await comment(undefined, repair.id, { body: 'hi' })).status, 401);
    assert.equal((await get(t.bob!, path)).status, 404, "another customer's repair");
    assert.equal((await comment(t.bob, repair.id, { body: 'hi' })).status, 404);
    assert.equal((await comment(t.root, 999_999, { body: 'hi' })).status, 404);
    // While REQUESTED every technician sees the repair, so every technician may talk about it.
    for (const name of ['alice', 'alan', mine, other, 'root']) {
      const res = await comment(t[name], repair.id, { body: `from ${name}` });
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.author, { id: user[name], username: name, role: ROLE[name] });
      assert.equal((await get(t[name]!, path)).status, 200);
    }
    assert.equal((await post(t[mine], `/api/repairs/${repair.id}/submit`, {})).status, 200);
    assert.equal((await get(t[other]!, path)).status, 404, 'PENDING and not theirs: no longer visible');
    assert.equal((await comment(t[other], repair.id, { body: 'late' })).status, 404);
    assert.equal((await comment(t[mine], repair.id, { body: 'still mine' })).status, 201);

    const thread = (await get(t.alice!, path)).body;
    assert.equal(thread.total, 6);
    assert.deepEqual(
      thread.items.map((c: any) => c.body),
      ['from alice', 'from alan', `from ${mine}`, `from ${other}`, 'from root', 'still mine'],
      'oldest first',
    );
    assert.deepEqual(
      thread.items.map((c: any) => c.author.role),
      ['customer', 'customer', 'technician', 'technician', 'admin', 'technician'],
    );
    const page2 = (await get(t.alice!, `${path}?page=2&pageSize=4`)).body;
    assert.deepEqual([page2.page, page2.pageSize, page2.total, page2.items.length], [2, 4, 6, 2]);
    assert.equal(page2.items[0].id, thread.items[4].id);
    assert.equal((await get(t.alice!, `${path}?pageSize=500`)).status, 400);
  });

  it('refuses bad bodies with the field, writing nothing', async () => {
    const repair = await created(t.alice!, { unitNumber: 'C-2', description: 'chip' });
    for (const [body, why] of [
      [{}, /required/],
      [{ body: '   ' }, /must not be empty/],
      [{ body: 'x'.repeat(2001) }, /at most 2000/],
      [{ body: 42 }, /string/],
      [{ body: 'a\u0000b' }, /NUL/],
    ] as const) {
      const res = await comment(t.alice, repair.id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.fields.body, why);
    }
    assert.equal((await comment(t.alice, repair.id, { body: 'x'.repeat(2000) })).status, 201, '2000 characters is the limit');
    assert.equal((await get(t.alice!, `/api/repairs/${repair.id}/comments`)).body.total, 1);
  });

  it("notifies the repair's other parties in-app only: customer users, the technician, admins in the thread", async () => {
    const repair = await created(t.root!, { unitNumber: 'C-3', description: 'crack', customerId: ids.fleetA, technicianId: ids.tech1 });
    const byAlice = (await comment(t.alice, repair.id, { body: 'Truck is at bay 4 until Friday.' })).body;
    assert.deepEqual(await recipients(byAlice.id), [user.alan, user['tech-one']], 'not the author, not an admin outside the thread');
    const byRoot = (await comment(t.root, repair.id, { body: 'Friday works.' })).body;
    assert.deepEqual(await recipients(byRoot.id), [user.alice, user.alan, user['tech-one']]);
    const byTech = (await comment(t['tech-one'], repair.id, { body: 'On my way.' })).body;
    assert.deepEqual(await recipients(byTech.id), [user.alice, user.alan, user.root], 'the admin has joined the thread');

    const notices = await noticesOf(byAlice.id);
    for (const n of notices) {
      assert.deepEqual([n.priority, n.category, n.channels, n.repairId], ['LOW', 'repair_status', ['in_app'], repair.id]);
    }
    assert.equal(notices[0].title, 'New comment on unit C-3');
    assert.equal(notices[0].message, 'alice on repair #' + repair.id + ': Truck is at bay 4 until Friday.');
    const mine = (await get(t.alan!, `/api/notifications?repairId=${repair.id}&priority=LOW`)).body.items;
    assert.deepEqual(
      mine.map((n: any) => [n.message, n.channels, n.emailSent, n.smsSent]).sort(),
      [
        [`alice on repair #${repair.id}: Truck is at bay 4 until Friday.`, ['in_app'], false, false],
        [`root on repair #${repair.id}: Friday works.`, ['in_app'], false, false],
        [`tech-one on repair #${repair.id}: On my way.`, ['in_app'], false, false],
      ].sort(),
    );

    // Nothing goes out by email or SMS: no delivery log, no outbox message, ever.
    await new Promise((r) => setTimeout(r, 1500));
    const noticeIds = h.db.knex('notifications').whereNotNull('commentId').select('id');
    assert.equal(Number((await h.db.knex('delivery_logs').whereIn('notificationId', noticeIds).count({ n: '*' }))[0]!.n), 0);
    assert.equal(Number((await h.db.knex('outbox_messages').whereIn('notificationId', noticeIds).count({ n: '*' }))[0]!.n), 0);
  });

  it('writes each notice once per comment and recipient, however often it is written', async () => {
    const repair = await created(t.root!, { unitNumber: 'C-4', description: 'chip', customerId: ids.fleetA, technicianId: ids.tech2 });
    const c = (await comment(t.alice, repair.id, { body: 'Once only.' })).body;
    const before = await recipients(c.id);
    assert.equal(before.length, 2);
    const again = await h.db.knex.transaction((trx) =>
      recordCommentNotices(
        h.db,
        trx,
        {
          repair: { id: repair.id, unitNumber: 'C-4', status: 'PENDING', customerId: ids.fleetA, technicianId: ids.tech2 },
          author: { id: user.alice!, username: 'alice', role: 'customer' },
          comment: { id: c.id, body: 'Once only.' },
        },
        h.config.notifications.portals,
      ),
    );
    assert.equal(again, 0);
    assert.deepEqual(await recipients(c.id), before);
  });
});
