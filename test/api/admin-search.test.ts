import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/**
 * The admin console's searches over rows written straight into the database, so each filter has
 * rows that match it and rows that would show up if it were ignored; and the bulk retry over
 * failed email deliveries that can now go out through the local outbox.
 */
describe('api: admin search and bulk retry', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const u: Record<string, number> = {};
  const n: Record<string, number> = {};
  const l: Record<string, number> = {};
  const r: Record<string, number> = {};

  const content = (s: string) => JSON.stringify({ emailSubject: s, emailHtml: `<p>${s}</p>`, emailText: s, sms: s });
  const note = async (name: string, userId: number, at: string, o: { repairId?: number; category?: string; priority?: string } = {}) => {
    const [row] = await h.db
      .knex('notifications')
      .insert({
        user_id: userId,
        repair_id: o.repairId ?? null,
        title: name,
        message: `${name} message`,
        category: o.category ?? 'system',
        priority: o.priority ?? 'MEDIUM',
        channels: JSON.stringify(['email', 'in_app']),
        content: content(name),
        created_at: new Date(at),
      })
      .returning('id');
    n[name] = row.id;
  };
  const log = async (
    name: string,
    notification: string,
    o: { channel?: string; status: string; attempt?: number; at?: string; recipient?: string | null; errorCode?: string },
  ) => {
    const [row] = await h.db
      .knex('delivery_logs')
      .insert({
        notification_id: n[notification],
        channel: o.channel ?? 'email',
        status: o.status,
        attempt: o.attempt ?? 1,
        recipient: o.recipient ?? null,
        error_code: o.errorCode ?? null,
        created_at: o.at ? new Date(o.at) : new Date(),
      })
      .returning('id');
    l[name] = row.id;
  };
  const get = async (path: string) => {
    const res = await h.request('GET', path, { token: t.root });
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const names = (items: { id: number }[], of: Record<string, number>) => items.map((i) => Object.keys(of).find((k) => of[k] === i.id));
  const retry = (ids: unknown, token = t.root) => h.request('POST', '/api/admin/delivery-logs/retry', { token, body: { ids } });

  before(async () => {
    h = await startHarness({ DELIVERY_RETRY_INITIAL: '100ms' });
    const acme = await insertCustomer(h.db, 'Acme');
    for (const name of ['amy', 'bob']) u[name] = (await insertUser(h.db, name, 'customer', { customerId: acme })).userId;
    const tina = await insertUser(h.db, 'tina', 'technician');
    u.tina = tina.userId;
    u.root = (await insertUser(h.db, 'root', 'admin')).userId;
    for (const name of Object.keys(u)) t[name] = await h.login(name, PASSWORD);
    for (const unit of ['R1', 'R2']) {
      const [row] = await h.db
        .knex('repairs')
        .insert({
          customer_id: acme,
          unit_number: unit,
          description: 'crack',
          status: 'PENDING',
          workflow_id: `seeded-${unit}`,
          created_by_user_id: u.root,
        })
        .returning('id');
      r[unit] = row.id;
    }
    await note('n1', u.amy!, '2026-11-01T10:00:00Z', { repairId: r.R1, category: 'approval', priority: 'HIGH' });
    await note('n2', u.amy!, '2026-11-02T10:00:00Z', { category: 'system', priority: 'LOW' });
    await note('n3', u.bob!, '2026-11-03T10:00:00Z', { repairId: r.R1, category: 'repair_status', priority: 'MEDIUM' });
    await note('n4', u.tina, '2026-11-04T10:00:00Z', { repairId: r.R2, category: 'approval', priority: 'URGENT' });
    await log('l1', 'n1', { status: 'sent', recipient: 'Amy@Example.com', at: '2026-11-01T10:01:00Z' });
    await log('l2', 'n1', {
      channel: 'sms',
      status: 'failed',
      recipient: '+15550001111',
      errorCode: 'Throttling',
      at: '2026-11-01T10:02:00Z',
    });
    await log('l3', 'n2', { status: 'suppressed', errorCode: 'channel_disabled', at: '2026-11-02T10:01:00Z' });
    await log('l4', 'n3', { status: 'failed', recipient: 'bob@example.com', errorCode: 'MessageRejected', at: '2026-11-03T10:01:00Z' });
    await log('l5', 'n4', {
      channel: 'sms',
      status: 'failed',
      recipient: '+15550002222',
      errorCode: 'Throttling',
      at: '2026-11-04T10:01:00Z',
    });
  });
  after(() => h?.close());

  const ROUTES: [string, string, unknown?][] = [
    ['GET', '/api/admin/notifications'],
    ['GET', '/api/admin/delivery-logs'],
    ['POST', '/api/admin/delivery-logs/retry', { ids: [987654321] }],
  ];

  it('is for admins: 401 without a token, 403 for customers and technicians, 2xx for an admin', async () => {
    for (const [method, path, body] of ROUTES) {
      const opts = body === undefined ? {} : { body };
      assert.equal((await h.request(method, path, opts)).status, 401, path);
      for (const name of ['amy', 'tina']) {
        const res = await h.request(method, path, { ...opts, token: t[name] });
        assert.equal(res.status, 403, `${name} ${method} ${path}`);
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
      const ok = await h.request(method, path, { ...opts, token: t.root });
      assert.equal(ok.status, method === 'GET' ? 200 : 202, `${path}: ${JSON.stringify(ok.body)}`);
    }
  });

  it('searches all notifications newest first, by user, repair, category, priority and createdAt', async () => {
    const all = await get('/api/admin/notifications');
    assert.deepEqual(names(all.items, n), ['n4', 'n3', 'n2', 'n1']);
    assert.deepEqual([all.total, all.page, all.pageSize], [4, 1, 20]);
    assert.deepEqual(
      {
        userId: all.items[0].userId,
        announcementId: all.items[0].announcementId,
        repairId: all.items[0].repairId,
        title: all.items[0].title,
      },
      { userId: u.tina, announcementId: null, repairId: r.R2, title: 'n4' },
    );
    const cases: [string, string[]][] = [
      [`userId=${u.amy}`, ['n2', 'n1']],
      [`repairId=${r.R1}`, ['n3', 'n1']],
      ['category=approval', ['n4', 'n1']],
      ['priority=URGENT', ['n4']],
      ['from=2026-11-02T10:00:00Z', ['n4', 'n3', 'n2']],
      ['to=2026-11-02T10:00:00Z', ['n2', 'n1']],
      // The same instants with an offset.
      [`from=${encodeURIComponent('2026-11-02T12:00:00+02:00')}&to=${encodeURIComponent('2026-11-03T05:00:00-05:00')}`, ['n3', 'n2']],
      [`userId=${u.amy}&category=approval`, ['n1']],
      [`repairId=${r.R1}&priority=MEDIUM`, ['n3']],
      [`userId=${u.root}`, []],
    ];
    for (const [query, expected] of cases) {
      const res = await get(`/api/admin/notifications?${query}`);
      assert.deepEqual(names(res.items, n), expected, query);
      assert.equal(res.total, expected.length, query);
    }
    const page2 = await get('/api/admin/notifications?page=2&pageSize=3');
    assert.deepEqual([names(page2.items, n), page2.total], [['n1'], 4]);
  });

  it('searches delivery logs by recipient (any case), user, notification, error code and createdAt', async () => {
    const cases: [string, string[]][] = [
      ['recipient=amy%40example.com', ['l1']],
      [`recipient=${encodeURIComponent('+15550001111')}`, ['l2']],
      [`userId=${u.amy}`, ['l3', 'l2', 'l1']],
      [`notificationId=${n.n1}`, ['l2', 'l1']],
      ['errorCode=Throttling', ['l5', 'l2']],
      ['errorCode=channel_disabled', ['l3']],
      ['from=2026-11-03T00:00:00Z', ['l5', 'l4']],
      ['to=2026-11-01T10:01:00Z', ['l1']],
      ['from=2026-11-01T10:01:30Z&to=2026-11-03T10:01:00Z', ['l4', 'l3', 'l2']],
      ['status=failed&channel=sms&errorCode=Throttling', ['l5', 'l2']],
      [`userId=${u.bob}&status=failed`, ['l4']],
      ['recipient=nobody%40example.com', []],
    ];
    for (const [query, expected] of cases) {
      const res = await get(`/api/admin/delivery-logs?${query}`);
      assert.deepEqual(names(res.items, l), expected, query);
      assert.equal(res.total, expected.length, query);
    }
  });

  it('answers 400 naming the field for bad search input', async () => {
    const cases: [string, string[]][] = [
      ['notifications?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z', ['from', 'to']],
      ['notifications?from=yesterday', ['from']],
      ['notifications?to=2026-11-02', ['to']],
      ['notifications?category=gossip', ['category']],
      ['notifications?priority=urgent', ['priority']],
      ['notifications?userId=abc', ['userId']],
      ['notifications?repairId=0', ['repairId']],
      ['notifications?pageSize=101', ['pageSize']],
      ['delivery-logs?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z', ['from', 'to']],
      ['delivery-logs?to=soon', ['to']],
      ['delivery-logs?notificationId=-4', ['notificationId']],
      ['delivery-logs?userId=1.5', ['userId']],
      ['delivery-logs?errorCode=', ['errorCode']],
      [`delivery-logs?recipient=${'a'.repeat(255)}`, ['recipient']],
    ];
    for (const [query, fields] of cases) {
      const res = await h.request('GET', `/api/admin/${query}`, { token: t.root });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(res.body.error.fields).sort(), fields, `${query}: ${JSON.stringify(res.body)}`);
    }
  });

  it("retries in bulk by the single retry's rules, with an outcome per id in the order asked", async () => {
    // amy's and bob's notifications can go out by email now; n1 (amy's) was already sent by email.
    await note('retryA', u.amy!, '2026-11-05T10:00:00Z');
    await note('retryC', u.bob!, '2026-11-05T11:00:00Z');
    await log('fA', 'retryA', { status: 'failed', errorCode: 'Throttling', recipient: 'amy@example.com' });
    await log('fC1', 'retryC', { status: 'failed', errorCode: 'Throttling', attempt: 1 });
    await log('fC2', 'retryC', { status: 'failed', errorCode: 'Throttling', attempt: 2 });
    await log('fSent', 'n1', { status: 'failed', errorCode: 'Throttling', attempt: 2 });
    const ids = [l.fA, l.l1, l.fSent, l.fC1, l.fC2, 987654321];
    const res = await retry(ids);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const results = res.body.results as { id: number; status: string; workflowId?: string; reason?: string }[];
    assert.deepEqual(
      results.map((x) => [x.id, x.status]),
      [
        [l.fA, 'started'],
        [l.l1, 'refused'],
        [l.fSent, 'refused'],
        [l.fC1, 'started'],
        [l.fC2, 'refused'],
        [987654321, 'not_found'],
      ],
    );
    assert.equal(results[0]!.workflowId, `notification-${n.retryA}-email-retry-${l.fA}`);
    assert.match(results[1]!.reason!, /Only a failed delivery can be retried; .* is sent/);
    assert.match(results[2]!.reason!, /already sent by email/);
    assert.match(results[4]!.reason!, /same notification and channel is retried by this request/);
    assert.deepEqual(Object.keys(results[5]!), ['id', 'status']);

    for (const id of [n.retryA, n.retryC]) {
      await eventually(
        async () => (await h.db.models.DeliveryLog.query().findOne({ notificationId: id, status: 'sent' })) ?? undefined,
        `notification ${id} sent`,
      );
    }
    // The same request again starts nothing: each log is retried once.
    const again = await retry(ids);
    assert.deepEqual(
      again.body.results.map((x: any) => x.status),
      ['refused', 'refused', 'refused', 'refused', 'refused', 'not_found'],
    );
    assert.match(again.body.results[0].reason, /already (been retried|sent)/);
    for (const id of [n.retryA, n.retryC]) assert.equal((await h.db.knex('outbox_messages').where('notification_id', id)).length, 1);
  });

  it('starts each retry once when two bulk retries of the same ids run at once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      await note(`race${i}`, i % 2 ? u.amy! : u.bob!, '2026-11-06T10:00:00Z');
      await log(`race${i}`, `race${i}`, { status: 'failed', errorCode: 'Throttling' });
      ids.push(l[`race${i}`]!);
    }
    const [a, b] = await Promise.all([retry(ids), retry([...ids].reverse())]);
    assert.deepEqual([a.status, b.status], [202, 202]);
    for (const id of ids) {
      const outcomes = [a, b].map((res) => res.body.results.find((x: any) => x.id === id).status).sort();
      assert.deepEqual(outcomes, ['refused', 'started'], `log ${id}`);
    }
    const notifications = ids.map((_, i) => n[`race${i}`]!);
    await eventually(async () => {
      const sent = await h.db.models.DeliveryLog.query().whereIn('notificationId', notifications).where('status', 'sent');
      return sent.length === ids.length ? sent : undefined;
    }, 'every raced retry sent');
    const outbox = await h.db.knex('outbox_messages').whereIn('notification_id', notifications);
    assert.equal(outbox.length, ids.length, 'one email per notification');
  });

  it('answers 400 naming the field for a bad bulk retry', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'ids'],
      [[], 'ids'],
      [Array.from({ length: 501 }, (_, i) => i + 1), 'ids'],
      [[3, 4, 3], 'ids'],
      ['1,2', 'ids'],
      [[1.5], 'ids.0'],
      [[1, 'x'], 'ids.1'],
      [[-1], 'ids.0'],
    ];
    for (const [ids, field] of cases) {
      const res = await h.request('POST', '/api/admin/delivery-logs/retry', { token: t.root, body: ids === undefined ? {} : { ids } });
      assert.equal(res.status, 400, JSON.stringify(ids));
      assert.deepEqual(Object.keys(res.body.error.fields), [field], JSON.stringify(res.body));
    }
    const max = await retry(Array.from({ length: 500 }, (_, i) => 900_000 + i));
    assert.equal(max.status, 202);
    assert.ok(max.body.results.every((x: any) => x.status === 'not_found'));
  });
});
