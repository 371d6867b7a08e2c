import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { savePreferences } from '../../src/db/queries/preferences';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { ensureSchedules, SCHEDULE_NAMES } from '../../src/temporal/schedules';
import type { DailyDigestInput, DailyDigestResult } from '../../src/workflows/digest';
import type { LocalDigestResult } from '../../src/workflows/local-digest';
import type { CleanupResult } from '../../src/workflows/housekeeping';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('workflows: scheduled digest and clean-up', () => {
  let h: Harness;
  const ids: Record<string, number> = {};

  before(async () => {
    h = await startHarness();
    const fleet = await insertCustomer(h.db, 'Digest Fleet');
    for (const name of ['ann', 'bob', 'cid', 'dan']) ids[name] = (await insertUser(h.db, name, 'customer', { customerId: fleet })).userId;
    const prefs = (digestEnabled: boolean, emailEnabled = true) => ({
      ...structuredClone(DEFAULT_PREFERENCES),
      digestEnabled,
      emailEnabled,
    });
    await savePreferences(h.db.knex, ids.ann!, prefs(true));
    await savePreferences(h.db.knex, ids.bob!, prefs(true)); // nothing unread: gets nothing
    await savePreferences(h.db.knex, ids.cid!, prefs(false)); // unread, but no digest asked for
    await savePreferences(h.db.knex, ids.dan!, prefs(true, false)); // digest on, email off: email wins
    const now = Date.now();
    const note = (userId: number, title: string, agoMs: number, isRead = false) => ({
      user_id: userId,
      title,
      message: `${title} details`,
      category: 'repair_status',
      priority: 'MEDIUM',
      is_read: isRead,
      created_at: new Date(now - agoMs),
    });
    await h.db
      .knex('notifications')
      .insert([
        note(ids.ann!, 'Repair #1 approved', 1 * HOUR),
        note(ids.ann!, 'Work started on <TRK-9>', 2 * HOUR),
        note(ids.ann!, 'Repair #3 completed', 23 * HOUR),
        note(ids.ann!, 'Already read', 1 * HOUR, true),
        note(ids.ann!, 'Two days old', 2 * DAY),
        note(ids.cid!, 'For cid', 1 * HOUR),
        note(ids.dan!, 'For dan', 1 * HOUR),
      ]);
  });
  after(() => h?.close());

  const digestInput = (): DailyDigestInput => ({
    timeZone: 'UTC',
    emailTaskQueue: h.config.notifications.emailTaskQueue,
    maxAttempts: 3,
    retryInitialMs: 100,
  });
  const runDigest = (workflowId = `digest-${randomUUID()}`) =>
    h.deps.temporal.client.workflow.execute<(i: DailyDigestInput) => Promise<DailyDigestResult>>('dailyDigestWorkflow', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId,
      args: [digestInput()],
    });
  const digestMails = () => h.db.knex('outbox_messages').whereNotNull('digest_id').orderBy('id');

  it('emails each digest-enabled user their unread notifications of the last 24 hours, once', async () => {
    const result = await runDigest();
    assert.equal(result.day, new Date().toISOString().slice(0, 10));
    assert.deepEqual(
      { sent: result.sent, alreadySent: result.alreadySent, empty: result.empty, failed: result.failed },
      { sent: 1, alreadySent: 0, empty: 1, failed: 0 },
    );
    const mails = await digestMails();
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.equal(mail.to, 'ann@example.com');
    assert.equal(mail.subject, 'RS Systems daily summary: 3 unread notifications');
    for (const title of ['Repair #1 approved', 'Work started on <TRK-9>', 'Repair #3 completed'])
      assert.ok(mail.body.includes(title), title);
    for (const absent of ['Already read', 'Two days old', 'For cid', 'For dan']) assert.ok(!mail.body.includes(absent), absent);
    assert.ok(mail.html.includes('Work started on &lt;TRK-9&gt;'), 'titles are escaped in the HTML');
    assert.ok(mail.body.indexOf('Repair #1 approved') < mail.body.indexOf('Repair #3 completed'), 'newest first');
    const [row] = await h.db.knex('notification_digests').where('user_id', ids.ann);
    assert.deepEqual(
      [row.status, row.notificationCount, row.digestDate, row.providerMessageId],
      ['sent', 3, result.day, `local-${mail.id}`],
    );
  });

  it('a second run the same day (a retry or a manual trigger) sends nobody a second digest', async () => {
    const result = await runDigest();
    assert.deepEqual({ sent: result.sent, alreadySent: result.alreadySent, empty: result.empty }, { sent: 0, alreadySent: 1, empty: 1 });
    assert.equal((await digestMails()).length, 1);
  });

  it('two runs at once still send one digest per user', async () => {
    await h.db.knex('notification_digests').delete();
    const [a, b] = await Promise.all([runDigest(), runDigest()]);
    assert.equal(a.sent + b.sent, 1);
    assert.equal(a.alreadySent + b.alreadySent, 1);
    const rows = await h.db.knex('notification_digests');
    assert.equal(rows.length, 1);
    // The outbox keys digests by their row: the deleted row's mail went with it (cascade), the new one is alone.
    assert.equal((await digestMails()).length, 1);
  });

  it('leaves a fresh claim to the run that holds it, and sends one left by a dead worker (once, through the outbox)', async () => {
    await h.db.knex('notification_digests').delete();
    const day = new Date().toISOString().slice(0, 10);
    await h.db
      .knex('notification_digests')
      .insert({ user_id: ids.ann, digest_date: day, status: 'pending', notification_count: 3, recipient: 'ann@example.com' });
    const busy = await runDigest();
    assert.deepEqual([busy.sent, busy.alreadySent], [0, 1], 'another run is sending it');
    assert.equal((await digestMails()).length, 0);

    // Older than one attempt may take: whoever claimed it is gone.
    await h.db.knex('notification_digests').update({ updated_at: new Date(Date.now() - 2 * 60_000) });
    const recovered = await runDigest();
    assert.deepEqual([recovered.sent, recovered.alreadySent], [1, 0]);
    const [row] = await h.db.knex('notification_digests').where('user_id', ids.ann);
    assert.equal(row.status, 'sent');
    assert.equal((await digestMails()).length, 1);
  });

  it('the clean-up deletes delivery logs older than the retention, in batches, and keeps the rest', async () => {
    const [n] = await h.db.knex('notifications').where('user_id', ids.ann).orderBy('id').limit(1);
    const now = Date.now();
    const ages = [91 * DAY, 100 * DAY, 365 * DAY, 95 * DAY, 90 * DAY + HOUR, 90 * DAY + 60_000, 90 * DAY - HOUR, 89 * DAY, 0];
    await h.db.knex('delivery_logs').insert(
      ages.map((age, i) => ({
        notification_id: n.id,
        channel: 'email',
        status: 'failed',
        attempt: i + 1,
        created_at: new Date(now - age),
      })),
    );
    const result = await h.deps.temporal.client.workflow.execute<(i: { retentionMs: number; batchSize: number }) => Promise<CleanupResult>>(
      'cleanupDeliveryLogsWorkflow',
      { taskQueue: h.config.temporal.taskQueue, workflowId: `cleanup-${randomUUID()}`, args: [{ retentionMs: 90 * DAY, batchSize: 2 }] },
    );
    assert.equal(result.deleted, 6);
    assert.equal(result.batches, 4); // 2 + 2 + 2, then an empty batch ends it
    assert.ok(Math.abs(new Date(result.cutoff).getTime() - (Date.now() - 90 * DAY)) < 60_000);
    const left = await h.db.knex('delivery_logs').where('notification_id', n.id).orderBy('attempt').pluck('attempt');
    assert.deepEqual(left, [7, 8, 9], 'a log just inside 90 days stays; everything older goes');
  });

  describe('Temporal Schedules', () => {
    const prefix = `t${randomUUID().slice(0, 8)}-`;
    const config = () => ({ ...h.config, schedules: { ...h.config.schedules, idPrefix: prefix, enabled: true } });
    after(async () => {
      for (const name of Object.values(SCHEDULE_NAMES))
        await h.deps.temporal.client.schedule
          .getHandle(prefix + name)
          .delete()
          .catch(() => undefined);
    });

    it('are created at start, and brought in line (not duplicated) at the next start', async () => {
      assert.deepEqual(await ensureSchedules(h.deps.temporal.client, config()), {
        created: [prefix + 'daily-digest', prefix + 'delivery-log-cleanup'],
        updated: [],
      });
      const changed = { ...config(), schedules: { ...config().schedules, digest: { ...config().schedules.digest, time: '07:30' } } };
      assert.deepEqual(await ensureSchedules(h.deps.temporal.client, changed), {
        created: [],
        updated: [prefix + 'daily-digest', prefix + 'delivery-log-cleanup'],
      });
      await ensureSchedules(h.deps.temporal.client, config());

      // One schedule for every zone: on the hour, every hour, UTC; each run picks the zones it serves.
      const digest = await h.deps.temporal.client.schedule.getHandle(prefix + 'daily-digest').describe();
      const cal = digest.spec.calendars?.[0];
      assert.deepEqual(
        [cal?.hour, cal?.minute, digest.spec.timezone],
        [[{ start: 0, end: 23, step: 1 }], [{ start: 0, end: 0, step: 1 }], 'UTC'],
      );
      assert.equal(digest.action.workflowType, 'localDigestWorkflow');
      assert.equal(digest.action.taskQueue, h.config.temporal.taskQueue);
      const n = h.config.notifications;
      assert.deepEqual(digest.action.args, [
        {
          time: '09:00',
          defaultTimeZone: 'UTC',
          emailTaskQueue: n.emailTaskQueue,
          maxAttempts: n.maxAttempts,
          retryInitialMs: n.retryInitialMs,
        },
      ]);
      // A late run must not drop its hour's zones, and may catch up until the day it served is over.
      assert.deepEqual([digest.policies.overlap, digest.policies.catchupWindow], ['BUFFER_ALL', 15 * HOUR]);
      const cleanup = await h.deps.temporal.client.schedule.getHandle(prefix + 'delivery-log-cleanup').describe();
      // The old system's clean-up time: Sunday 02:00 (UTC).
      assert.deepEqual(cleanup.spec.calendars?.[0]?.dayOfWeek, [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }]);
      assert.deepEqual(
        [cleanup.spec.calendars?.[0]?.hour, cleanup.spec.calendars?.[0]?.minute, cleanup.spec.timezone],
        [[{ start: 2, end: 2, step: 1 }], [{ start: 0, end: 0, step: 1 }], 'UTC'],
      );
      assert.equal(cleanup.action.workflowType, 'cleanupDeliveryLogsWorkflow');
      assert.deepEqual(cleanup.action.args, [{ retentionMs: 90 * DAY, batchSize: 5000 }]);
    });

    it('run when triggered (as `temporal schedule trigger` does)', async () => {
      for (const name of Object.values(SCHEDULE_NAMES)) await h.deps.temporal.client.schedule.getHandle(prefix + name).trigger();
      const started = async (name: string) =>
        eventually(async () => {
          const d = await h.deps.temporal.client.schedule.getHandle(prefix + name).describe();
          return d.info.recentActions[0]?.action.workflow.workflowId;
        }, `the ${name} schedule to start its workflow`);
      const triggeredAt = Date.now();
      const digest = (await h.deps.temporal.client.workflow.getHandle(await started('daily-digest')).result()) as LocalDigestResult;
      // The Schedule's own time of the action: the hour it was triggered in.
      const hour = Math.floor(triggeredAt / HOUR) * HOUR;
      assert.ok([hour, hour - HOUR].includes(Date.parse(digest.runAt)), digest.runAt);
      assert.equal(digest.sent, 0, "whoever's hour it is already had today's digest, or it is nobody's: nothing twice");
      const cleanup = (await h.deps.temporal.client.workflow.getHandle(await started('delivery-log-cleanup')).result()) as CleanupResult;
      assert.equal(cleanup.deleted, 0);
    });
  });
});
