import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/**
 * A technician finds damage for Acme (approval_requested to amy, andy and anna), amy approves
 * (repair_approved to tina). andy and anna have no phone, so their SMS is suppressed: those are
 * the deliveries the retry tests work on.
 */
describe('api: notification administration', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const notificationOf: Record<string, number> = {};

  before(async () => {
    h = await startHarness();
    const acme = await insertCustomer(h.db, 'Acme');
    for (const name of ['amy', 'andy', 'anna']) ids[name] = (await insertUser(h.db, name, 'customer', { customerId: acme })).userId;
    ids.tina = (await insertUser(h.db, 'tina', 'technician')).userId;
    ids.root = (await insertUser(h.db, 'root', 'admin')).userId;
    await h.db.models.User.query().patch({ phone: '+15550200001' }).where('id', ids.amy!);
    await h.db.models.User.query().patch({ phone: '+15550200009' }).where('id', ids.tina);
    for (const name of Object.keys(ids)) t[name] = await h.login(name, PASSWORD);

    const repair = await h.request('POST', '/api/repairs', {
      token: t.tina,
      body: { unitNumber: 'AC-1', description: 'crack', customerId: acme, estimatedCost: 40 },
    });
    assert.equal(repair.status, 201, JSON.stringify(repair.body));
    assert.equal((await h.request('POST', `/api/repairs/${repair.body.id}/approve`, { token: t.amy })).status, 200);
    await eventually(
      async () => {
        const logs = await h.db.models.DeliveryLog.query().whereNot('status', 'pending');
        return logs.length === 5 ? logs : undefined;
      },
      'the deliveries of the two events',
      30_000,
    );
    for (const name of ['amy', 'andy', 'anna', 'tina']) {
      notificationOf[name] = (await h.db.models.Notification.query().findOne({ userId: ids[name]! }))!.id;
    }
  });
  after(() => h?.close());

  const get = (token: string | undefined, path: string) => h.request('GET', path, token ? { token } : {});
  const post = (token: string | undefined, path: string) => h.request('POST', path, token ? { token } : {});
  const ok = <T extends { status: number; body: any }>(res: T, status = 200): T['body'] => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    return res.body;
  };
  const failedLog = async (name: string, attempt: number, status: 'failed' | 'pending' = 'failed') =>
    (
      await h.db.models.DeliveryLog.query().insert({
        notificationId: notificationOf[name]!,
        channel: 'sms',
        status,
        attempt,
        recipient: null,
        ...(status === 'failed' ? { errorCode: 'Throttling', errorMessage: 'Rate exceeded' } : {}),
      })
    ).id;
  const sentSms = async (name: string) =>
    h.db.models.DeliveryLog.query().findOne({ notificationId: notificationOf[name]!, channel: 'sms', status: 'sent' });

  const ADMIN_ROUTES: [string, string][] = [
    ['GET', '/api/admin/notifications/stats'],
    ['GET', '/api/admin/delivery-logs'],
    ['POST', '/api/admin/delivery-logs/1/retry'],
    ['GET', '/api/admin/outbox'],
  ];

  it('is for admins only: 401 without a token, 403 for customers and technicians', async () => {
    for (const [method, path] of ADMIN_ROUTES) {
      assert.equal((await h.request(method, path)).status, 401, path);
      for (const name of ['amy', 'tina']) {
        const res = await h.request(method, path, { token: t[name] });
        assert.equal(res.status, 403, `${name} ${path}`);
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
    }
    assert.equal(await h.db.models.DeliveryLog.query().resultSize(), 5, 'nothing was retried');
  });

  it('counts all notifications: total, unread, urgent, sent by email and by SMS', async () => {
    assert.deepEqual(ok(await get(t.root, '/api/admin/notifications/stats')), { total: 4, unread: 4, urgent: 1, emailSent: 1, smsSent: 2 });
    ok(await post(t.tina, `/api/notifications/${notificationOf.tina}/read`));
    assert.deepEqual(ok(await get(t.root, '/api/admin/notifications/stats')), { total: 4, unread: 3, urgent: 1, emailSent: 1, smsSent: 2 });
  });

  it('lists delivery logs newest first, filtered by status and channel', async () => {
    const all = ok(await get(t.root, '/api/admin/delivery-logs'));
    assert.deepEqual([all.total, all.page, all.pageSize], [5, 1, 20]);
    assert.deepEqual(
      all.items.map((l: any) => l.id),
      all.items.map((l: any) => l.id).sort((a: number, b: number) => b - a),
    );
    for (const l of all.items) {
      assert.deepEqual(Object.keys(l).sort(), [
        'attempt',
        'channel',
        'costEstimate',
        'createdAt',
        'errorCode',
        'errorMessage',
        'feedback',
        'feedbackAt',
        'id',
        'notificationId',
        'providerMessageId',
        'recipient',
        'status',
        'updatedAt',
      ]);
    }
    const sent = ok(await get(t.root, '/api/admin/delivery-logs?status=sent'));
    assert.deepEqual(
      sent.items.map((l: any) => `${l.notificationId} ${l.channel} ${l.recipient}`).sort(),
      [
        `${notificationOf.amy} sms +15550200001`,
        `${notificationOf.tina} email tina@example.com`,
        `${notificationOf.tina} sms +15550200009`,
      ].sort(),
    );
    assert.ok(sent.items.every((l: any) => /^local-\d+$/.test(l.providerMessageId) && l.errorCode === null));
    const suppressed = ok(await get(t.root, '/api/admin/delivery-logs?status=suppressed&channel=sms'));
    assert.deepEqual(
      suppressed.items.map((l: any) => [l.notificationId, l.errorCode]).sort(),
      [
        [notificationOf.andy, 'no_address'],
        [notificationOf.anna, 'no_address'],
      ].sort(),
    );
    assert.deepEqual(
      ok(await get(t.root, '/api/admin/delivery-logs?channel=email')).items.map((l: any) => l.notificationId),
      [notificationOf.tina],
    );
    assert.equal(ok(await get(t.root, '/api/admin/delivery-logs?status=failed')).total, 0);
    const p2 = ok(await get(t.root, '/api/admin/delivery-logs?page=2&pageSize=2'));
    assert.deepEqual(
      p2.items.map((l: any) => l.id),
      all.items.slice(2, 4).map((l: any) => l.id),
    );
    for (const query of ['?status=lost', '?channel=push', '?pageSize=500']) {
      assert.equal((await get(t.root, `/api/admin/delivery-logs${query}`)).status, 400, query);
    }
  });

  it('lists the outbox newest first, filtered by notification, channel and recipient', async () => {
    const all = ok(await get(t.root, '/api/admin/outbox'));
    assert.equal(all.total, 3);
    assert.deepEqual(
      all.items.map((m: any) => m.sentAt),
      all.items
        .map((m: any) => m.sentAt)
        .sort()
        .reverse(),
    );
    const tinas = ok(await get(t.root, `/api/admin/outbox?notificationId=${notificationOf.tina}`));
    assert.deepEqual(tinas.items.map((m: any) => m.channel).sort(), ['email', 'sms']);
    const email = ok(await get(t.root, '/api/admin/outbox?channel=email')).items;
    assert.equal(email.length, 1);
    assert.deepEqual(Object.keys(email[0]).sort(), ['body', 'channel', 'digestId', 'id', 'notificationId', 'sentAt', 'subject', 'to']);
    assert.match(email[0].subject, /Approved: repair #\d+ on unit AC-1/);
    const amys = ok(await get(t.root, `/api/admin/outbox?to=${encodeURIComponent('+15550200001')}`)).items;
    assert.deepEqual(
      amys.map((m: any) => [m.notificationId, m.channel, m.subject]),
      [[notificationOf.amy, 'sms', null]],
    );
    assert.equal(ok(await get(t.root, '/api/admin/outbox?to=nobody%40example.com')).total, 0);
    assert.equal((await get(t.root, '/api/admin/outbox?notificationId=x')).status, 400);
  });

  it('retries a failed delivery through the same rules: no address still means no SMS, and one log is retried once', async () => {
    const logId = await failedLog('andy', 2); // attempt 1 is the original suppression (no address)
    const res = ok(await post(t.root, `/api/admin/delivery-logs/${logId}/retry`), 202);
    assert.deepEqual(res, { workflowId: `notification-${notificationOf.andy}-sms-retry-${logId}` });
    const handle = h.deps.temporal.client.workflow.getHandle(res.workflowId);
    assert.deepEqual(await handle.result(), { [`${notificationOf.andy}/sms`]: 'suppressed: no_address' });
    const described = await handle.describe();
    assert.deepEqual([described.type, described.taskQueue], ['deliverNotificationsWorkflow', h.config.temporal.taskQueue]);
    assert.equal(await sentSms('andy'), undefined);

    const again = await post(t.root, `/api/admin/delivery-logs/${logId}/retry`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CONFLICT');
    assert.match(again.body.error.message, /already been retried/);
  });

  it('retries a failed delivery that can now go out: the message is sent once and logged as sent', async () => {
    await h.db.models.User.query().patch({ phone: '+15550200003' }).where('id', ids.anna!);
    // After the original suppression (attempt 1), three failed attempts, as an exhausted delivery
    // leaves them: the retry continues the count instead of colliding with them.
    await failedLog('anna', 2);
    await failedLog('anna', 3);
    const logId = await failedLog('anna', 4);
    ok(await post(t.root, `/api/admin/delivery-logs/${logId}/retry`), 202);
    const sent = await eventually(() => sentSms('anna'), "anna's SMS");
    assert.equal(sent.recipient, '+15550200003');
    assert.equal(sent.attempt, 5, 'the retry is the next attempt on record');
    const outbox = ok(await get(t.root, `/api/admin/outbox?notificationId=${notificationOf.anna}`));
    assert.deepEqual(
      outbox.items.map((m: any) => [m.channel, m.to]),
      [['sms', '+15550200003']],
    );
    assert.match(outbox.items[0].body, /AC-1/);
    assert.equal(ok(await get(t.root, '/api/admin/notifications/stats')).smsSent, 3);
    assert.equal(ok(await get(t.root, '/api/admin/delivery-logs?status=pending')).total, 0);

    const twice = await post(t.root, `/api/admin/delivery-logs/${logId}/retry`);
    assert.equal(twice.status, 409);
    assert.match(twice.body.error.message, /already sent by sms/);
    const ofSent = await post(t.root, `/api/admin/delivery-logs/${sent.id}/retry`);
    assert.equal(ofSent.status, 409);
    assert.match(ofSent.body.error.message, /Only a failed delivery can be retried; .* is sent/);
    assert.equal(ok(await get(t.root, `/api/admin/outbox?notificationId=${notificationOf.anna}`)).total, 1);
  });

  it('refuses to retry a send whose outcome is unknown (it may have been delivered)', async () => {
    const logId = await failedLog('amy', 7);
    await h.db.models.DeliveryLog.query().patch({ errorCode: 'OUTCOME_UNKNOWN' }).where('id', logId);
    const res = await post(t.root, `/api/admin/delivery-logs/${logId}/retry`);
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /outcome .* is unknown/);
  });

  it('refuses to retry while a delivery on that channel is in progress, and answers 404 / 400 for unknown or bad ids', async () => {
    // Past the rows the earlier tests left for andy (suppressions and a failed attempt).
    const logId = await failedLog('andy', 10);
    const pendingId = await failedLog('andy', 11, 'pending');
    try {
      const res = await post(t.root, `/api/admin/delivery-logs/${logId}/retry`);
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /in progress/);
    } finally {
      await h.db.models.DeliveryLog.query().deleteById(pendingId);
    }
    const suppressed = await h.db.models.DeliveryLog.query().findOne({ notificationId: notificationOf.andy!, status: 'suppressed' });
    assert.equal(
      (await post(t.root, `/api/admin/delivery-logs/${suppressed!.id}/retry`)).status,
      409,
      'a suppressed delivery is not failed',
    );
    const missing = await post(t.root, '/api/admin/delivery-logs/987654321/retry');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    assert.equal((await post(t.root, '/api/admin/delivery-logs/abc/retry')).status, 400);
  });
});
