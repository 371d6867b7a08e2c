import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createNotificationActivities } from '../../src/activities/notifications';
import { createLoggingMetrics } from '../../src/transports/metrics';
import { hashResetToken } from '../../src/security/one-time';
import { SMS_MAX_LENGTH } from '../../src/domain/notifications/sms';
import { loadConfig } from '../../src/config';
import { approvalRequests, startApprovalsWorld, type ApprovalsWorld } from './approvals-fixtures';
import { ok } from './requests';

describe('api: approve from the message', () => {
  let w: ApprovalsWorld;
  let ip: string;
  const r = approvalRequests(() => w);
  const history = async (repairId: number) =>
    ok(await w.h.request('GET', `/api/repairs/${repairId}/history`, { token: w.t.root })).items as any[];
  const statusOf = async (repairId: number) => (await w.h.db.models.Repair.query().findById(repairId))!.status;

  before(async () => {
    // The reminder comes quickly, so a test can see its link; the per-address limit is small, for the 429.
    w = await startApprovalsWorld({
      APPROVAL_REMINDER_PERIOD: '3s',
      APPROVAL_ESCALATION_PERIOD: '1h',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
    });
  });
  after(() => w?.h.close());
  beforeEach(() => {
    ip = r.freshAddress();
  });

  it('sends each customer user an SMS with a link of their own, within 160 characters even for the longest unit', async () => {
    const unit = 'U'.repeat(50);
    const repair = await r.pendingRepair(unit);
    const [cara, carl] = [await r.sms('cara', repair.id), await r.sms('carl', repair.id)];
    // The real default PUBLIC_APP_URL, which the harness does not override.
    const appUrl = loadConfig({}).notifications.appUrl;
    assert.equal(w.h.config.notifications.appUrl, appUrl);
    assert.ok(cara.body.includes(`${appUrl}/a/${cara.token} `), cara.body);
    assert.ok(cara.body.includes(`(unit ${unit})`), 'nothing is cut');
    assert.ok(Array.from(cara.body).length <= SMS_MAX_LENGTH, `${Array.from(cara.body).length} characters: ${cara.body}`);
    assert.notEqual(cara.token, carl.token);

    const links = await w.h.db.knex('approval_links').where('repair_id', repair.id).orderBy('user_id');
    assert.deepEqual(
      links.map((l: any) => [l.userId, l.tokenHash]),
      [
        [w.ids.cara, hashResetToken(cara.token)],
        [w.ids.carl, hashResetToken(carl.token)],
      ],
    );
    assert.equal(links[0].notificationId, cara.notificationId);
    const ttl = links[0].expiresAt.getTime() - links[0].createdAt.getTime();
    assert.ok(Math.abs(ttl - 7 * 86_400_000) < 1000, `expires in ${ttl} ms`);
    assert.ok(!JSON.stringify(links).includes(cara.token), 'stored hashed only');

    // HIGH sends SMS and in-app only, so no email leaves; the email texts made for it carry the link too.
    const [note] = await w.h.db.knex('notifications').where('id', cara.notificationId);
    assert.ok(note.content.emailText.includes(`${appUrl}/a/${cara.token}`), note.content.emailText);
    assert.ok(note.content.emailHtml.includes(`href="${appUrl}/a/${cara.token}"`));
  });

  it('keeps the working link out of the in-app copy, for the user and for admins', async () => {
    const repair = await r.pendingRepair('INAPP-1');
    const { token, notificationId } = await r.sms('cara', repair.id);
    const mine = ok(await w.h.request('GET', '/api/notifications?category=approval', { token: w.t.cara })).items as any[];
    const note = mine.find((n) => n.id === notificationId);
    assert.ok(note, 'the in-app copy exists');
    assert.equal(note.actionUrl, `${w.h.config.notifications.appUrl}/repairs/${repair.id}`);
    assert.ok(!JSON.stringify(mine).includes(token));
    const admin = ok(await w.h.request('GET', `/api/admin/notifications?repairId=${repair.id}`, { token: w.t.root }));
    assert.ok(admin.items.length >= 2);
    assert.ok(!JSON.stringify(admin).includes(token));
  });

  it('shows the repair, approves it with no login as that customer user, and then the link is dead', async () => {
    const repair = await r.pendingRepair('SHOW-1', 120);
    const { token } = await r.sms('cara', repair.id);
    // A photo's row as the upload writes it (the objects themselves are the photo suite's business).
    const [photo] = await w.h.db
      .knex('repair_photos')
      .insert({
        ...{ repairId: repair.id, kind: 'DAMAGE', contentType: 'image/jpeg', width: 640, height: 480, bytes: 1000 },
        ...{ originalKey: `show-1/${repair.id}/o`, thumbKey: `show-1/${repair.id}/t`, thumbContentType: 'image/webp' },
      })
      .returning('id');
    const shown = ok(await r.get(ip, token));
    assert.deepEqual(shown.repair, {
      id: repair.id,
      unitNumber: 'SHOW-1',
      description: 'crack across the driver side',
      damageType: null,
      estimatedCost: 120,
      status: 'PENDING',
      denialReason: null,
    });
    assert.deepEqual([shown.customer, shown.user], [{ name: 'Fleet Approvals' }, { username: 'cara' }]);
    assert.deepEqual(shown.photos, [{ id: photo.id, kind: 'DAMAGE', thumbUrl: `/api/approvals/${token}/photos/${photo.id}` }]);
    assert.ok(Date.parse(shown.expiresAt) > Date.now() + 6 * 86_400_000);

    const approved = ok(await r.post(ip, token, 'approve'));
    assert.equal(approved.repair.status, 'APPROVED');
    assert.equal(await statusOf(repair.id), 'APPROVED');
    const last = (await history(repair.id)).at(-1);
    assert.deepEqual([last.move, last.to, last.byUserId, last.role], ['approve', 'APPROVED', w.ids.cara, 'customer']);
    assert.ok((await w.h.db.knex('approval_links').where('token_hash', hashResetToken(token)).first()).usedAt);

    const before = await history(repair.id);
    for (const res of [
      await r.get(ip, token),
      await r.post(ip, token, 'approve'),
      await r.post(ip, token, 'deny', { reason: 'Changed my mind after all' }),
    ]) {
      assert.equal(res.status, 410, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'GONE');
    }
    assert.deepEqual(await history(repair.id), before, 'reuse changes nothing');
    // carl's link died with the decision too.
    const carl = await r.sms('carl', repair.id);
    assert.match((await r.get(ip, carl.token)).body.error.message, /is APPROVED/);
  });

  it('answers 404 for a forged or altered token, changing nothing', async () => {
    const repair = await r.pendingRepair('FORGE-1');
    const { token } = await r.sms('cara', repair.id);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [randomBytes(32).toString('base64url'), altered, 'x']) {
      assert.equal((await r.get(ip, bad)).status, 404);
      assert.equal((await r.post(ip, bad, 'approve')).status, 404);
    }
    assert.equal(await statusOf(repair.id), 'PENDING');
    // Six failed lookups: this address is now blocked, another one is not.
    assert.equal((await r.get(r.freshAddress(), token)).status, 200, 'the real link still works');
  });

  it('refuses a short denial reason naming reason, then denies as that user with a proper one', async () => {
    const repair = await r.pendingRepair('DENY-1');
    const { token } = await r.sms('carl', repair.id);
    const short = await r.post(ip, token, 'deny', { reason: ' too bad ' });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.error.fields, { reason: 'must be at least 10 characters' });
    assert.equal(await statusOf(repair.id), 'PENDING');
    const denied = ok(await r.post(ip, token, 'deny', { reason: 'Unit is being sold next week' }));
    assert.deepEqual([denied.repair.status, denied.repair.denialReason], ['DENIED', 'Unit is being sold next week']);
    const last = (await history(repair.id)).at(-1);
    assert.deepEqual([last.move, last.byUserId, last.reason], ['deny', w.ids.carl, 'Unit is being sold next week']);
  });

  it('is dead (410) once the portal decided first; portals approve as before', async () => {
    const repair = await r.pendingRepair('PORTAL-1');
    const { token } = await r.sms('cara', repair.id);
    ok(await w.h.request('POST', `/api/repairs/${repair.id}/approve`, { token: w.t.carl }));
    assert.equal((await r.get(ip, token)).status, 410);
    assert.equal((await r.post(ip, token, 'deny', { reason: 'Too expensive for us now' })).status, 410);
    assert.equal(await statusOf(repair.id), 'APPROVED');
    assert.deepEqual(
      (await history(repair.id)).filter((m) => m.to === 'APPROVED' || m.to === 'DENIED').map((m) => m.byUserId),
      [w.ids.carl],
    );
  });

  it('lets a link and the portal racing on one repair have one winner; the loser gets 409 or 410, never 5xx', async () => {
    for (let i = 0; i < 3; i++) {
      const repair = await r.pendingRepair(`RACE-${i}`);
      const { token } = await r.sms('cara', repair.id);
      const [link, portal] = await Promise.all([
        r.post(ip, token, 'approve'),
        w.h.request('POST', `/api/repairs/${repair.id}/deny`, { token: w.t.carl, body: { reason: 'We will fix it ourselves' } }),
      ]);
      const statuses = [link.status, portal.status];
      assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify([link.body, portal.body]));
      assert.ok(
        statuses.every((s) => [200, 409, 410].includes(s)),
        JSON.stringify(statuses),
      );
      const final = await statusOf(repair.id);
      assert.equal(final, link.status === 200 ? 'APPROVED' : 'DENIED');
      assert.equal((await history(repair.id)).filter((m) => m.from === 'PENDING').length, 1);
    }
  });

  it('is dead for a user who is no longer an active user of the customer', async () => {
    const repair = await r.pendingRepair('GONE-USER-1');
    const { token } = await r.sms('carl', repair.id);
    await w.h.db.knex('users').where('id', w.ids.carl).update({ isActive: false });
    try {
      assert.equal((await r.get(ip, token)).status, 410);
      assert.equal((await r.post(ip, token, 'approve')).status, 410);
    } finally {
      await w.h.db.knex('users').where('id', w.ids.carl).update({ isActive: true });
    }
    assert.equal(await statusOf(repair.id), 'PENDING');
  });

  it('gives each recipient a fresh link in the reminder; either works until the repair is decided', async () => {
    const repair = await r.pendingRepair('REMIND-1');
    const first = await r.sms('cara', repair.id, 1);
    const reminder = await r.sms('cara', repair.id, 2);
    assert.match(reminder.body, /^Reminder: approve #/);
    assert.ok(Array.from(reminder.body).length <= SMS_MAX_LENGTH);
    assert.notEqual(reminder.token, first.token);
    assert.equal((await r.get(ip, first.token)).status, 200);
    ok(await r.post(ip, reminder.token, 'approve'));
    assert.equal((await r.get(ip, first.token)).status, 410);
  });

  it('creates no second link when the notifications are materialized again, even twice at once', async () => {
    const repair = await r.pendingRepair('RETRY-1');
    await r.sms('carl', repair.id);
    const before = await w.h.db.knex('approval_links').where('repair_id', repair.id).orderBy('id');
    const { config, db } = w.h;
    const activities = createNotificationActivities({
      db,
      metrics: createLoggingMetrics(() => undefined),
      portals: config.notifications.portals,
      approvalLinkTtlMs: config.approvalLinkTtlMs,
    } as Parameters<typeof createNotificationActivities>[0]);
    await Promise.all([activities.dispatchRepairEvents(repair.id, 0), activities.dispatchRepairEvents(repair.id, 0)]);
    assert.deepEqual(await w.h.db.knex('approval_links').where('repair_id', repair.id).orderBy('id'), before);
  });

  it('answers 429 with Retry-After to an address after repeated failed lookups, and only to that address', async () => {
    const repair = await r.pendingRepair('LIMIT-1');
    const { token } = await r.sms('cara', repair.id);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await r.get(ip, randomBytes(32).toString('base64url'))).status);
    assert.deepEqual(statuses, [404, 404, 404, 404, 404, 404, 429]);
    const blocked = await r.post(ip, token, 'approve');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal(await statusOf(repair.id), 'PENDING');
    assert.equal((await r.get(r.freshAddress(), token)).status, 200);
  });
});

describe('api: approve from the message, past the link lifetime', () => {
  let w: ApprovalsWorld;
  const r = approvalRequests(() => w);
  before(async () => {
    w = await startApprovalsWorld({ APPROVAL_LINK_TTL: '1s' });
  });
  after(() => w?.h.close());

  it('answers 410 for an expired link and changes nothing; the portal still approves', async () => {
    const repair = await r.pendingRepair('EXPIRE-1');
    const { token } = await r.sms('cara', repair.id);
    await new Promise((done) => setTimeout(done, 1200));
    const ip = r.freshAddress();
    const shown = await r.get(ip, token);
    assert.equal(shown.status, 410);
    assert.match(shown.body.error.message, /expired/);
    assert.equal((await r.post(ip, token, 'approve')).status, 410);
    assert.equal((await w.h.db.models.Repair.query().findById(repair.id))!.status, 'PENDING');
    ok(await w.h.request('POST', `/api/repairs/${repair.id}/approve`, { token: w.t.cara }));
  });
});
