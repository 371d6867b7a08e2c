import assert from 'node:assert/strict';
import { rolloutBucket } from '../../src/domain/notifications/rollout';
import { insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { outbox, resetTokenIn } from './account-fixtures';
import { ok, requests } from './requests';

const PATH = '/api/admin/notification-rollout';
const everyone = { customer: 100, technician: 100, admin: 100 };

/**
 * Deliveries after a PUT, in the same running API and worker (no restart): two technicians whose
 * email buckets differ, and a technician share between them, so one is inside and one outside.
 */
describe('api: deliveries follow the rollout as soon as it is saved', () => {
  let h: Harness;
  let admin: string;
  const ids = { inside: 0, outside: 0 };
  let share = 0;
  const { put, post } = requests(() => h);
  const mail = outbox(
    () => h,
    () => admin,
  );

  const announce = async (title: string) => {
    const res = await post(admin, '/api/admin/announcements', { title, message: 'Read me.', priority: 'MEDIUM', audience: 'technicians' });
    const { workflowId, announcementId } = ok(res, 202) as { workflowId: string; announcementId: number };
    await h.deps.temporal.client.workflow.getHandle(workflowId).result();
    return announcementId;
  };
  /** Per technician of the announcement: its in-app notification, and the email's delivery logs. */
  const outcomeOf = async (announcementId: number) => {
    const rows = await h.db
      .knex('notifications as n')
      .leftJoin('delivery_logs as l', 'l.notification_id', 'n.id')
      .where('n.announcement_id', announcementId)
      .whereIn('n.user_id', [ids.inside, ids.outside])
      .select('n.user_id as userId', 'l.channel', 'l.status', 'l.error_code as errorCode');
    const of = (userId: number) =>
      rows.filter((r: any) => r.userId === userId).map((r: any) => `${r.channel} ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}`);
    return { inside: of(ids.inside), outside: of(ids.outside) };
  };

  before(async () => {
    h = await startHarness({ DELIVERY_RETRY_INITIAL: '100ms' });
    await insertUser(h.db, 'root', 'admin');
    admin = await h.login('root', PASSWORD);
    const made: number[] = [];
    for (let i = 0; made.length < 2 || rolloutBucket(made[0]!, 'email') === rolloutBucket(made[1]!, 'email'); i++) {
      if (made.length === 2) made.pop();
      made.push((await insertUser(h.db, `tech-${i}`, 'technician')).userId);
    }
    const [low, high] = [...made].sort((a, b) => rolloutBucket(a, 'email') - rolloutBucket(b, 'email'));
    Object.assign(ids, { inside: low, outside: high });
    share = rolloutBucket(high!, 'email'); // the lower bucket is below it, the higher one is not
  });
  after(() => h?.close());

  it('sends to both while everyone is in; after the PUT, the one outside gets a suppressed not_in_rollout log', async () => {
    const before = await announce('Before the rollout changes');
    assert.deepEqual(await outcomeOf(before), { inside: ['email sent'], outside: ['email sent'] });

    ok(await put(admin, PATH, { email: { ...everyone, technician: share }, sms: everyone }));
    const after = await announce('After the rollout changed');
    // In-app always goes: both have the notification; only the email is held for the one outside.
    assert.deepEqual(await outcomeOf(after), { inside: ['email sent'], outside: ['email suppressed not_in_rollout'] });
    const sent = await h.db
      .knex('outbox_messages as o')
      .join('notifications as n', 'n.id', 'o.notification_id')
      .where('n.announcement_id', after);
    assert.deepEqual(
      sent.map((m: any) => m.userId),
      [ids.inside],
    );

    ok(await put(admin, PATH, { email: everyone, sms: everyone }));
    const again = await announce('Everyone again');
    assert.deepEqual(await outcomeOf(again), { inside: ['email sent'], outside: ['email sent'] });
  });

  it('never holds an account message: the user outside still gets a password-reset link', async () => {
    ok(await put(admin, PATH, { email: { ...everyone, technician: 0 }, sms: { ...everyone, technician: 0 } }));
    const outside = await h.db.models.User.query().findById(ids.outside);
    const earlier = (await mail.read(outside!.email!, 'email')).length;
    ok(await post(undefined, '/api/auth/password-reset', { username: outside!.username }), 202);
    const [reset] = await mail.waitFor(outside!.email!, 'email', earlier + 1);
    assert.ok(resetTokenIn(reset!.body));
    ok(await put(admin, PATH, { email: everyone, sms: everyone }));
  });
});
