import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { ok, requests } from './requests';

const ITEM_FIELDS = [
  'actionUrl',
  'category',
  'channels',
  'createdAt',
  'emailSent',
  'id',
  'isRead',
  'message',
  'priority',
  'readAt',
  'repairId',
  'smsSent',
  'title',
];

const PHONES: Record<string, string> = { nora: '+15550100001', ned: '+15550100002', tom: '+15550100003' };

describe('api: notifications and preferences', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const userIds: Record<string, number> = {};
  let repairId = 0;

  before(async () => {
    h = await startHarness();
    const fleet = await insertCustomer(h.db, 'Fleet N');
    const other = await insertCustomer(h.db, 'Fleet O');
    userIds.nora = (await insertUser(h.db, 'nora', 'customer', { customerId: fleet })).userId;
    userIds.ned = (await insertUser(h.db, 'ned', 'customer', { customerId: fleet })).userId;
    userIds.olga = (await insertUser(h.db, 'olga', 'customer', { customerId: other })).userId;
    userIds.tom = (await insertUser(h.db, 'tom', 'technician')).userId;
    // Inactive: tom is the only technician the assignment can pick, so the recipients are known.
    userIds.tess = (await insertUser(h.db, 'tess', 'technician', { technicianActive: false })).userId;
    userIds.root = (await insertUser(h.db, 'root', 'admin')).userId;
    for (const [name, phone] of Object.entries(PHONES)) await h.db.models.User.query().patch({ phone }).where('id', userIds[name]!);
    for (const name of Object.keys(userIds)) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const { get, post } = requests(() => h);
  const listOf = async (name: string, query = '') => ok(await get(t[name], `/api/notifications${query}`));

  describe('a full repair lifecycle', () => {
    before(async () => {
      const repair = ok(await post(t.nora, '/api/repairs', { unitNumber: 'N-1', description: 'chip on passenger side' }), 201);
      repairId = repair.id;
      await eventually(
        async () => ((await get(t.root, `/api/repairs/${repairId}`)).body.technicianId ?? undefined) as number | undefined,
        'assignment',
      );
      ok(await post(t.tom, `/api/repairs/${repairId}/submit`, { estimatedCost: 50 }));
      ok(await post(t.ned, `/api/repairs/${repairId}/approve`));
      ok(await post(t.tom, `/api/repairs/${repairId}/start`));
      ok(await post(t.tom, `/api/repairs/${repairId}/complete`));
      // 9 messages: tom 2 SMS + 1 email, nora and ned 2 SMS + 1 email each.
      await eventually(
        async () => {
          const sent = ok(await get(t.root, '/api/admin/delivery-logs?status=sent')).total as number;
          const pending = ok(await get(t.root, '/api/admin/delivery-logs?status=pending')).total as number;
          // Every event turned into notifications too, so a stray extra one cannot hide behind the count.
          const undispatched = await h.db.models.NotificationEvent.query().whereNull('processedAt').resultSize();
          return sent >= 9 && pending === 0 && undispatched === 0 ? true : undefined;
        },
        'every email and SMS of the lifecycle to be sent',
        30_000,
      );
    });

    it('gives each recipient exactly the notifications the spec lists, newest first, with exactly the documented fields', async () => {
      const expected: Record<string, [RegExp, string, string, string[]][]> = {
        tom: [
          [/approved/, 'URGENT', 'approval', ['sms', 'email', 'in_app']],
          [/New repair assigned: unit N-1/, 'HIGH', 'assignment', ['sms', 'in_app']],
        ],
        nora: [
          [/Repair completed: unit N-1/, 'HIGH', 'repair_status', ['sms', 'in_app']],
          [/Work started on unit N-1/, 'MEDIUM', 'repair_status', ['email', 'in_app']],
          [/Approval needed for unit N-1/, 'HIGH', 'approval', ['sms', 'in_app']],
        ],
      };
      expected.ned = expected.nora!;
      for (const [name, rows] of Object.entries(expected)) {
        const list = await listOf(name);
        assert.equal(list.total, rows.length, `${name}: ${JSON.stringify(list.items.map((n: any) => n.title))}`);
        assert.deepEqual([list.page, list.pageSize], [1, 20]);
        list.items.forEach((n: any, i: number) => {
          const [title, priority, category, channels] = rows[i]!;
          assert.match(n.title, title, `${name} #${i}`);
          assert.deepEqual([n.priority, n.category, n.channels], [priority, category, channels], `${name}: ${n.title}`);
          assert.deepEqual(Object.keys(n).sort(), ITEM_FIELDS);
          assert.equal(n.repairId, repairId);
          assert.equal(n.actionUrl, `${h.config.notifications.appUrl}/repairs/${repairId}`);
          assert.equal(n.isRead, false);
          assert.equal(n.readAt, null);
          assert.equal(new Date(n.createdAt).toISOString(), n.createdAt);
          assert.equal(n.emailSent, channels.includes('email'));
          assert.equal(n.smsSent, channels.includes('sms'));
        });
      }
      for (const name of ['olga', 'tess', 'root']) assert.equal((await listOf(name)).total, 0, `${name} is told nothing`);
    });

    it("sends exactly one message per notification and channel, to the recipient's address, and logs every one as sent", async () => {
      const address = (name: string, channel: string) => (channel === 'email' ? `${name}@example.com` : PHONES[name]);
      const expected: string[] = [];
      for (const name of ['tom', 'nora', 'ned']) {
        for (const n of (await listOf(name)).items) {
          for (const channel of n.channels.filter((c: string) => c !== 'in_app'))
            expected.push(`${n.id} ${channel} ${address(name, channel)}`);
        }
      }
      assert.equal(expected.length, 9);
      const outbox = ok(await get(t.root, '/api/admin/outbox?pageSize=100'));
      assert.equal(outbox.total, 9);
      assert.deepEqual(outbox.items.map((m: any) => `${m.notificationId} ${m.channel} ${m.to}`).sort(), expected.sort());
      for (const m of outbox.items) {
        assert.deepEqual(Object.keys(m).sort(), ['body', 'channel', 'digestId', 'id', 'notificationId', 'sentAt', 'subject', 'to']);
        assert.equal(m.subject === null, m.channel === 'sms', 'SMS have no subject, emails do');
        assert.match(m.body, /N-1/);
      }
      const logs = ok(await get(t.root, '/api/admin/delivery-logs?pageSize=100'));
      assert.equal(logs.total, 9);
      assert.deepEqual(
        logs.items.map((l: any) => l.status),
        Array(9).fill('sent'),
      );
      assert.deepEqual(logs.items.map((l: any) => `${l.notificationId} ${l.channel} ${l.recipient}`).sort(), expected.sort());
    });
  });

  describe('reading', () => {
    it('counts unread by category and priority, zeros included', async () => {
      assert.deepEqual(ok(await get(t.nora, '/api/notifications/unread-count')), {
        count: 3,
        byCategory: { repair_status: 2, assignment: 0, approval: 1, reward: 0, system: 0, account: 0 },
        byPriority: { URGENT: 0, HIGH: 2, MEDIUM: 1, LOW: 0 },
      });
      assert.deepEqual(ok(await get(t.olga, '/api/notifications/unread-count')), {
        count: 0,
        byCategory: { repair_status: 0, assignment: 0, approval: 0, reward: 0, system: 0, account: 0 },
        byPriority: { URGENT: 0, HIGH: 0, MEDIUM: 0, LOW: 0 },
      });
    });

    it('filters and pages, newest first', async () => {
      const all = (await listOf('nora')).items.map((n: any) => n.id);
      assert.deepEqual(
        [...all].sort((a, b) => b - a),
        all,
        'newest first',
      );
      const p1 = await listOf('nora', '?page=1&pageSize=2');
      const p2 = await listOf('nora', '?page=2&pageSize=2');
      assert.deepEqual([p1.total, p2.total, p1.pageSize, p2.page], [3, 3, 2, 2]);
      assert.deepEqual(
        [...p1.items, ...p2.items].map((n: any) => n.id),
        all,
      );
      assert.deepEqual((await listOf('nora', '?page=3&pageSize=2')).items, []);

      assert.deepEqual(
        (await listOf('nora', '?category=approval')).items.map((n: any) => n.id),
        [all[2]],
      );
      assert.deepEqual(
        (await listOf('nora', '?priority=HIGH')).items.map((n: any) => n.id),
        [all[0], all[2]],
      );
      assert.deepEqual(
        (await listOf('nora', '?category=repair_status&priority=MEDIUM')).items.map((n: any) => n.id),
        [all[1]],
      );
      assert.equal((await listOf('nora', `?repairId=${repairId}`)).total, 3);
      assert.equal((await listOf('nora', `?repairId=${repairId + 1}`)).total, 0);
      assert.equal((await listOf('nora', '?isRead=true')).total, 0);
      assert.equal((await listOf('nora', '?isRead=false')).total, 3);
      const unread = ok(await get(t.nora, '/api/notifications/unread?pageSize=1&page=2'));
      assert.deepEqual([unread.total, unread.page, unread.pageSize, unread.items.map((n: any) => n.id)], [3, 2, 1, [all[1]]]);
    });

    it('refuses bad list queries with the field and the reason', async () => {
      const cases: [string, string][] = [
        ['?isRead=yes', 'isRead'],
        ['?category=marketing', 'category'],
        ['?priority=CRITICAL', 'priority'],
        ['?repairId=abc', 'repairId'],
        ['?pageSize=101', 'pageSize'],
        ['?page=0', 'page'],
      ];
      for (const [query, field] of cases) {
        const res = await get(t.nora, `/api/notifications${query}`);
        assert.equal(res.status, 400, query);
        assert.deepEqual(Object.keys(res.body.error.fields), [field], query);
      }
      assert.equal((await get(t.nora, '/api/notifications/unread?pageSize=0')).status, 400);
      assert.deepEqual(ok(await get(t.nora, '/api/notifications?isRead=yes'), 400).error.fields, { isRead: 'must be true or false' });
    });

    it('marks one read, keeping the first readAt when read again', async () => {
      const [newest] = (await listOf('nora')).items;
      const read = ok(await post(t.nora, `/api/notifications/${newest.id}/read`));
      assert.deepEqual(Object.keys(read).sort(), ITEM_FIELDS);
      assert.equal(read.isRead, true);
      assert.ok(Math.abs(Date.parse(read.readAt) - Date.now()) < 60_000, read.readAt);
      assert.deepEqual({ ...read, isRead: false, readAt: null }, newest);
      await new Promise((r) => setTimeout(r, 20));
      const again = ok(await post(t.nora, `/api/notifications/${newest.id}/read`));
      assert.equal(again.readAt, read.readAt);

      assert.deepEqual(
        (await listOf('nora', '?isRead=true')).items.map((n: any) => n.id),
        [newest.id],
      );
      assert.equal(ok(await get(t.nora, '/api/notifications/unread')).total, 2);
      const counts = ok(await get(t.nora, '/api/notifications/unread-count'));
      assert.deepEqual([counts.count, counts.byCategory.repair_status, counts.byPriority.HIGH], [2, 1, 1]);
      assert.equal(ok(await get(t.ned, '/api/notifications/unread-count')).count, 3, "ned's copy is his own");
    });

    it("keeps one user out of another's notifications: 404, and nothing changes", async () => {
      const nedsUnread = (await listOf('ned')).items[0];
      for (const name of ['nora', 'olga', 'tom', 'root']) {
        const res = await post(t[name], `/api/notifications/${nedsUnread.id}/read`);
        assert.equal(res.status, 404, name);
        assert.equal(res.body.error.code, 'NOT_FOUND');
      }
      assert.equal((await post(t.nora, '/api/notifications/999999999/read')).status, 404);
      assert.equal((await post(t.nora, '/api/notifications/abc/read')).status, 400);
      assert.equal((await listOf('ned')).items[0].isRead, false);
      assert.equal((await listOf('olga', `?repairId=${repairId}`)).total, 0);
    });

    it('marks all read and says how many changed', async () => {
      assert.deepEqual(ok(await post(t.nora, '/api/notifications/read-all')), { count: 2 });
      assert.deepEqual(ok(await post(t.nora, '/api/notifications/read-all')), { count: 0 });
      assert.deepEqual(ok(await get(t.nora, '/api/notifications/unread-count')), {
        count: 0,
        byCategory: { repair_status: 0, assignment: 0, approval: 0, reward: 0, system: 0, account: 0 },
        byPriority: { URGENT: 0, HIGH: 0, MEDIUM: 0, LOW: 0 },
      });
      const items = (await listOf('nora')).items;
      assert.ok(items.every((n: any) => n.isRead && typeof n.readAt === 'string'));
      assert.equal(ok(await get(t.ned, '/api/notifications/unread')).total, 3, 'other users are untouched');
      assert.deepEqual(ok(await post(t.olga, '/api/notifications/read-all')), { count: 0 });
    });
  });

  it('answers 401 without a token on every notification route', async () => {
    for (const path of ['/api/notifications', '/api/notifications/unread', '/api/notifications/unread-count']) {
      const res = await get(undefined, path);
      assert.equal(res.status, 401, path);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
    for (const path of ['/api/notifications/1/read', '/api/notifications/read-all'])
      assert.equal((await post(undefined, path)).status, 401, path);
  });
});
