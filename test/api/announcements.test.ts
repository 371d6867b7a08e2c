import assert from 'node:assert/strict';
import { savePreferences } from '../../src/db/queries/preferences';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

/**
 * Customers cora (defaults), cleo (email off) and cid (deactivated); technicians tess (no quiet
 * hours), tom (quiet hours all day but this minute), tim (quiet hours ending within a minute or
 * two); admin root. Everyone has an email address and a phone.
 */
describe('api: announcements', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};
  let shortQuietEnds: Date;
  let heldAnnouncement: { announcementId: number; workflowId: string };
  const lostOnce = new Set<string>();

  const post = (body: unknown, token = t.root, headers: Record<string, string> = {}) =>
    h.request('POST', '/api/admin/announcements', { token, body, headers });
  const announce = async (body: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await post(body, t.root, headers);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body as { announcementId: number; workflowId: string; recipients: number };
  };
  const finished = (workflowId: string) => h.deps.temporal.client.workflow.getHandle(workflowId).result();
  const notificationsOf = (announcementId: number) =>
    h.db.models.Notification.query().where('announcementId', announcementId).orderBy('userId');
  const logsOf = async (announcementId: number) =>
    (
      await h.db
        .knex('delivery_logs as l')
        .join('notifications as n', 'n.id', 'l.notification_id')
        .where('n.announcement_id', announcementId)
        .select('n.user_id as userId', 'l.channel', 'l.status', 'l.error_code as errorCode')
    ).map((l: any) => `${nameOf(l.userId)} ${l.channel} ${l.status}${l.errorCode ? ` ${l.errorCode}` : ''}`);
  const nameOf = (userId: number) => Object.entries(ids).find(([, id]) => id === userId)?.[0];

  before(async () => {
    h = await startHarness(
      { DELIVERY_RETRY_INITIAL: '100ms' },
      {
        // Every page's first attempt "loses" its answer after writing: the retry must not duplicate.
        activities: (real) => ({
          ...real,
          async createAnnouncementPage(...args: Parameters<typeof real.createAnnouncementPage>) {
            const page = await real.createAnnouncementPage(...args);
            if (lostOnce.has(args.join('/'))) return page;
            lostOnce.add(args.join('/'));
            throw new Error('the worker lost the answer');
          },
        }),
      },
    );
    const acme = await insertCustomer(h.db, 'Acme');
    for (const name of ['cora', 'cleo', 'cid']) ids[name] = (await insertUser(h.db, name, 'customer', { customerId: acme })).userId;
    for (const name of ['tess', 'tom', 'tim']) ids[name] = (await insertUser(h.db, name, 'technician')).userId;
    ids.root = (await insertUser(h.db, 'root', 'admin')).userId;
    for (const [name, id] of Object.entries(ids)) {
      await h.db.models.User.query()
        .patch({ phone: `+1555030${String(id).padStart(4, '0')}` })
        .where('id', id);
      t[name] = await h.login(name, PASSWORD);
    }
    await h.db.models.User.query().patch({ isActive: false }).where('id', ids.cid!);
    await savePreferences(h.db.knex, ids.cleo!, { ...DEFAULT_PREFERENCES, emailEnabled: false });
    // tom: a window from a minute ago to two minutes ago (crossing midnight), so quiet all day but now.
    const quiet = (start: Date, end: Date) => ({
      ...DEFAULT_PREFERENCES,
      quietHours: { enabled: true, start: hhmm(start), end: hhmm(end), timezone: 'UTC' },
    });
    await savePreferences(h.db.knex, ids.tom!, quiet(minutesFromNow(-1), minutesFromNow(-2)));
    // tim: quiet until the next minute boundary at least 20 s away (quiet hours are HH:MM).
    shortQuietEnds = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    await savePreferences(h.db.knex, ids.tim!, quiet(minutesFromNow(-1), shortQuietEnds));
    // Started first: tim's email waits for his window to end while the other tests run.
    heldAnnouncement = await announce({
      title: 'Shop closed Friday',
      message: 'The shop is closed on Friday.',
      priority: 'MEDIUM',
      audience: 'technicians',
    });
  });
  after(() => h?.close());

  it('is for admins: 401 without a token, 403 for customers and technicians, and nothing is announced', async () => {
    const body = { title: 'x', message: 'y', priority: 'LOW', audience: 'all' };
    for (const [method, path] of [
      ['POST', '/api/admin/announcements'],
      ['GET', '/api/admin/announcements'],
    ] as const) {
      const opts = method === 'POST' ? { body } : {};
      assert.equal((await h.request(method, path, opts)).status, 401, path);
      for (const name of ['cora', 'tess']) {
        const res = await h.request(method, path, { ...opts, token: t[name] });
        assert.equal(res.status, 403, `${name} ${method} ${path}`);
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
    }
    assert.equal(await h.db.models.Announcement.query().resultSize(), 1, 'only the one started in before()');
  });

  it('answers 400 naming the field for bad input', async () => {
    const good = { title: 'Title', message: 'Message', priority: 'LOW', audience: 'all' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, title: undefined }, 'title'],
      [{ ...good, title: '   ' }, 'title'],
      [{ ...good, title: 'a'.repeat(151) }, 'title'],
      [{ ...good, title: 'two\nlines' }, 'title'],
      [{ ...good, message: '' }, 'message'],
      [{ ...good, message: 'a'.repeat(5001) }, 'message'],
      [{ ...good, message: 42 }, 'message'],
      [{ ...good, priority: 'CRITICAL' }, 'priority'],
      [{ ...good, audience: 'everyone' }, 'audience'],
      [{ ...good, audience: undefined }, 'audience'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(res.body.error.fields), [field], JSON.stringify(res.body));
    }
    const badKey = await post(good, t.root, { 'Idempotency-Key': 'spaces are not allowed' });
    assert.equal(badKey.status, 400);
    assert.deepEqual(Object.keys(badKey.body.error.fields), ['Idempotency-Key']);
    assert.equal(await h.db.models.Announcement.query().resultSize(), 1);
  });

  it('reaches only the active users of the audience: a customers announcement, by email, respecting preferences', async () => {
    const started = await announce({
      title: 'New <b>hours</b> & more',
      message: 'From Monday we open at 7:00.\nSee you <soon>!',
      priority: 'MEDIUM',
      audience: 'customers',
    });
    assert.equal(started.recipients, 2, 'cora and cleo; cid is deactivated');
    assert.equal(started.workflowId, `announcement-${started.announcementId}`);
    const totals: any = await finished(started.workflowId);
    assert.equal(totals.recipients, 2);

    const notes = await notificationsOf(started.announcementId);
    assert.ok(lostOnce.has(`${started.announcementId}/0/200`), 'the page was written twice');
    assert.deepEqual(
      notes.map((n) => nameOf(n.userId)),
      ['cora', 'cleo'],
      'one each',
    );
    for (const n of notes) {
      assert.deepEqual(
        [n.category, n.priority, n.title, n.repairId, n.eventId],
        ['system', 'MEDIUM', 'New <b>hours</b> & more', null, null],
      );
      assert.equal(n.message, 'From Monday we open at 7:00.\nSee you <soon>!');
      assert.deepEqual(n.channels, ['email', 'in_app']);
    }
    assert.deepEqual((await logsOf(started.announcementId)).sort(), ['cleo email suppressed channel_disabled', 'cora email sent']);

    const [mail] = await h.db.knex('outbox_messages').where({ notification_id: notes[0]!.id });
    assert.equal(mail.subject, 'New <b>hours</b> & more');
    assert.equal(mail.body, 'New <b>hours</b> & more\n\nFrom Monday we open at 7:00.\nSee you <soon>!');
    assert.match(mail.html, /New &lt;b&gt;hours&lt;\/b&gt; &amp; more/);
    assert.match(mail.html, /See you &lt;soon&gt;!/);
    assert.doesNotMatch(mail.html, /<soon>/);
    assert.match(mail.html, /RS Systems/, 'inside the brand layout');

    // The recipients see it as any other notification of theirs.
    const mine = await h.request('GET', '/api/notifications?category=system', { token: t.cora });
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.items.map((n: any) => n.title),
      ['New <b>hours</b> & more'],
    );
  });

  it('sends URGENT by SMS and email at once, through quiet hours; HIGH by SMS only', async () => {
    const urgent = await announce({
      title: 'Hail warning',
      message: 'Move units indoors now.',
      priority: 'URGENT',
      audience: 'technicians',
    });
    await finished(urgent.workflowId);
    assert.deepEqual((await logsOf(urgent.announcementId)).sort(), [
      'tess email sent',
      'tess sms sent',
      'tim email sent',
      'tim sms sent',
      'tom email sent',
      'tom sms sent',
    ]);
    const [sms] = await h.db
      .knex('outbox_messages as o')
      .join('notifications as n', 'n.id', 'o.notification_id')
      .where({ 'n.announcement_id': urgent.announcementId, 'o.channel': 'sms', 'n.user_id': ids.tom })
      .select('o.body');
    assert.equal(sms.body, 'RS Systems: Hail warning - Move units indoors now.');

    const high = await announce({ title: 'Long notice', message: 'x'.repeat(400), priority: 'HIGH', audience: 'admins' });
    await finished(high.workflowId);
    assert.deepEqual(await logsOf(high.announcementId), ['root sms sent']);
    const [long] = await h.db
      .knex('outbox_messages as o')
      .join('notifications as n', 'n.id', 'o.notification_id')
      .where('n.announcement_id', high.announcementId)
      .select('o.body');
    assert.equal(Array.from(long.body as string).length, 160, 'cut to the SMS length');
    assert.ok((long.body as string).endsWith('...'));
  });

  it('holds a non-urgent email inside quiet hours: in-app at once, the email handed to a workflow that waits', async () => {
    const totals: any = await finished(heldAnnouncement.workflowId);
    assert.deepEqual([totals.recipients, totals.heldForQuietHours], [3, 2]);
    const notes = await notificationsOf(heldAnnouncement.announcementId);
    assert.deepEqual(
      notes.map((n) => nameOf(n.userId)),
      ['tess', 'tom', 'tim'],
    );
    const logs = await logsOf(heldAnnouncement.announcementId);
    assert.ok(logs.includes('tess email sent'));
    assert.ok(!logs.some((l) => l.startsWith('tom')), 'nothing attempted for tom');
    const held = h.deps.temporal.client.workflow.getHandle(`${heldAnnouncement.workflowId}/held-after-0`);
    const described = await held.describe();
    assert.deepEqual([described.type, described.status.name], ['deliverNotificationsWorkflow', 'RUNNING']);
  });

  it('answers a repeated request (same Idempotency-Key) with the announcement it made, and refuses the key for another one', async () => {
    const body = { title: 'Holiday', message: 'Closed on the 25th.', priority: 'LOW', audience: 'all' };
    const headers = { 'Idempotency-Key': 'holiday-2026' };
    const [a, b] = await Promise.all([announce(body, headers), announce(body, headers)]);
    assert.deepEqual(a, b);
    assert.equal(a.recipients, 6);
    await finished(a.workflowId);
    assert.deepEqual(await announce(body, headers), a, 'also once it has finished');
    const notes = await notificationsOf(a.announcementId);
    assert.equal(notes.length, 6, 'one each');
    assert.equal(await h.db.models.Announcement.query().where('idempotencyKey', 'holiday-2026').resultSize(), 1);

    const other = await post({ ...body, message: 'Closed on the 26th.' }, t.root, headers);
    assert.equal(other.status, 409);
    assert.deepEqual(Object.keys(other.body.error.fields), ['Idempotency-Key']);
    // Without a key, the same text is a new announcement.
    const again = await announce(body);
    assert.notEqual(again.announcementId, a.announcementId);
  });

  it('lists announcements newest first with their counts', async () => {
    const res = await h.request('GET', '/api/admin/announcements?pageSize=100', { token: t.root });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const items = res.body.items as any[];
    assert.equal(res.body.total, items.length);
    assert.deepEqual(
      items.map((a) => a.id),
      items.map((a) => a.id).sort((x: number, y: number) => y - x),
    );
    const urgent = items.find((a) => a.title === 'Hail warning');
    assert.deepEqual(urgent.counts, { recipients: 3, read: 0, emailSent: 3, smsSent: 3 });
    assert.deepEqual(
      [urgent.priority, urgent.audience, urgent.createdBy, urgent.workflowId],
      ['URGENT', 'technicians', ids.root, `announcement-${urgent.id}`],
    );
    assert.equal((await h.request('GET', '/api/admin/announcements?pageSize=0', { token: t.root })).status, 400);
  });

  it('sends the held email once the quiet hours end', async () => {
    const logs = await eventually(
      async () => {
        const l = await logsOf(heldAnnouncement.announcementId);
        return l.includes('tim email sent') ? l : undefined;
      },
      "tim's email after his quiet hours",
      Math.max(5_000, shortQuietEnds.getTime() - Date.now() + 15_000),
    );
    assert.ok(Date.now() >= shortQuietEnds.getTime() - 1_000, 'not before the window ended');
    assert.ok(!logs.some((l) => l.startsWith('tom')), 'tom is still in his quiet hours');
  });
});
