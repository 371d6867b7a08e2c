import assert from 'node:assert/strict';
import type { Notification } from '../../src/db/models';
import type { Role } from '../../src/domain/roles';
import { eventually } from '../support/eventually';
import { approvalRequests, linkTokenIn, startApprovalsWorld, type ApprovalsWorld } from './approvals-fixtures';
import { resetTokenIn } from './account-fixtures';
import { ok } from './requests';

// Three different hosts, so a link built from the wrong base cannot pass for the right one; the
// technician's is given with a trailing slash, as operators type it.
const PORTALS: Record<Role, string> = {
  customer: 'https://repairs.example.com/app',
  technician: 'https://field.example.net/tech',
  admin: 'https://ops.example.org/admin',
};

const URL_RE = /https?:\/\/[^\s"'<>()]+/g;

/** Every link in the texts a recipient's copy was rendered with: in-app, email text and html, SMS. */
function linksOf(n: Notification): string[] {
  const c = n.content;
  return [n.title, n.message, n.actionUrl, c.emailText, c.emailHtml, c.sms].flatMap((s) => (s ? (s.match(URL_RE) ?? []) : []));
}

function assertOwnPortal(n: Notification, role: Role, repairId: number, what: string): void {
  const base = PORTALS[role];
  assert.equal(n.actionUrl, `${base}/repairs/${repairId}`, `${what}: actionUrl`);
  const c = n.content;
  assert.ok(c.emailText.includes(`${base}/repairs/${repairId}`), `${what}: email text\n${c.emailText}`);
  assert.ok(c.emailHtml.includes(`href="${base}/repairs/${repairId}"`), `${what}: email html\n${c.emailHtml}`);
  for (const link of linksOf(n)) assert.ok(link.startsWith(`${base}/`), `${what}: ${link} is not under ${base}`);
}

describe('api: links into the recipient’s portal', () => {
  let w: ApprovalsWorld;
  const r = approvalRequests(() => w);
  const userIds: Record<string, number> = {};
  const notesOf = async (repairId: number, userId: number): Promise<Notification[]> =>
    w.h.db.models.Notification.query().where({ repairId, userId }).whereNull('commentId').orderBy('id');

  before(async () => {
    w = await startApprovalsWorld({
      CUSTOMER_PORTAL_URL: PORTALS.customer,
      TECHNICIAN_PORTAL_URL: `${PORTALS.technician}/`,
      ADMIN_PORTAL_URL: PORTALS.admin,
      // The escalation to the admins comes within the test, not after 72 h.
      APPROVAL_REMINDER_PERIOD: '1s',
      APPROVAL_ESCALATION_PERIOD: '2s',
    });
    for (const name of ['cara', 'tech-a', 'root']) {
      userIds[name] = (await w.h.db.models.User.query().findOne({ username: name }))!.id;
    }
  });
  after(() => w?.h.close());

  it('gives the customer, the technician and the admin of one repair each a link into their own portal', async () => {
    // Found in the field: the technician is told of the assignment, the customer's users are asked
    // to approve (and reminded), and the admins are told when nobody decides.
    const repair = await r.pendingRepair('PORTAL-1');
    const escalated = await eventually(async () => {
      const notes = await notesOf(repair.id, userIds.root!);
      return notes.length > 0 ? notes : undefined;
    }, 'the escalation to the admin');
    const cara = await notesOf(repair.id, userIds.cara!);
    const tech = await notesOf(repair.id, userIds['tech-a']!);
    assert.ok(cara.length >= 2, 'request and reminder');
    assert.equal(tech.length, 1);

    for (const n of cara) assertOwnPortal(n, 'customer', repair.id, `cara: ${n.title}`);
    for (const n of tech) assertOwnPortal(n, 'technician', repair.id, `tech-a: ${n.title}`);
    for (const n of escalated) assertOwnPortal(n, 'admin', repair.id, `root: ${n.title}`);

    // What actually left: the customer's approval SMS opens the customer portal's approval page.
    const sms = await r.sms('cara', repair.id);
    assert.ok(sms.body.includes(`${PORTALS.customer}/a/${sms.token}`), sms.body);
    assert.ok(linkTokenIn(cara[0]!.content.emailHtml), 'the email carries the link too');

    // The live event a portal links from is the recipient's own copy.
    const live = await w.h.db.knex('live_events').where({ user_id: userIds['tech-a'], repair_id: repair.id, type: 'notification' });
    assert.ok(live.length >= 1);
    for (const e of live) assert.equal(e.payload.actionUrl, `${PORTALS.technician}/repairs/${repair.id}`);
  });

  it('links each party of a comment thread into their own portal', async () => {
    const repair = await r.pendingRepair('PORTAL-2');
    ok(await w.h.request('POST', `/api/repairs/${repair.id}/comments`, { token: w.t.root, body: { body: 'Glass is on order.' } }), 201);
    ok(await w.h.request('POST', `/api/repairs/${repair.id}/comments`, { token: w.t.cara, body: { body: 'Thanks, bay 4.' } }), 201);
    const notices = async (name: string): Promise<Notification[]> =>
      w.h.db.models.Notification.query().where({ repairId: repair.id, userId: userIds[name]! }).whereNotNull('commentId').orderBy('id');
    const [tech, root] = [await notices('tech-a'), await notices('root')];
    assert.equal(tech.length, 2);
    assert.equal(root.length, 1, 'the admin hears of the customer’s reply');
    for (const n of tech) assertOwnPortal(n, 'technician', repair.id, `tech-a: ${n.title}`);
    assertOwnPortal(root[0]!, 'admin', repair.id, 'root');
    const cara = await notices('cara');
    assert.equal(cara.length, 1, 'the customer hears of the admin’s comment');
    assertOwnPortal(cara[0]!, 'customer', repair.id, 'cara');
  });

  it('sends a password reset link into the user’s own portal', async () => {
    for (const [name, role] of [
      ['tech-a', 'technician'],
      ['root', 'admin'],
      ['oscar', 'customer'],
    ] as const) {
      assert.equal((await w.h.request('POST', '/api/auth/password-reset', { body: { username: name } })).status, 202);
      const [email] = await r.mail.waitFor(`${name}@example.com`, 'email');
      const token = resetTokenIn(email!.body);
      assert.ok(email!.body.includes(`${PORTALS[role]}/reset-password?token=${token}`), `${name}: ${email!.body}`);
    }
  });
});
