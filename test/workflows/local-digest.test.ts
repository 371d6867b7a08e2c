import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { savePreferences } from '../../src/db/queries/preferences';
import { digestDay } from '../../src/domain/notifications/digest';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import type { LocalDigestInput, LocalDigestResult } from '../../src/workflows/local-digest';
import { insertNotifications } from '../activities/support';
import { insertUser } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

const HOUR = 3_600_000;

/**
 * The hourly digest run against the real stack, at today's hour: the workflow clock cannot be set,
 * so the digest time is chosen to fall in the current hour somewhere (the DST days are the domain
 * rule's tests). Zones: Asia/Kolkata (+05:30) and Etc/GMT-6 (+06:00) are due, UTC is not.
 */
describe('workflows: the hourly digest sends each user theirs at the digest time on their own clock', () => {
  let h: Harness;
  const ids: Record<string, number> = {};
  const runAt = Math.floor(Date.now() / HOUR) * HOUR;
  // Kolkata's clock at runAt + 30 min reads a whole hour: that hour is the digest time.
  const time = `${String((new Date(runAt).getUTCHours() + 6) % 24).padStart(2, '0')}:00`;

  before(async () => {
    h = await startHarness();
    const user = async (name: string, profileZone: string | null, quietZone?: string) => {
      const { userId } = await insertUser(h.db, name, 'customer');
      await h.db.knex('users').where('id', userId).update({ timezone: profileZone });
      const prefs = { ...structuredClone(DEFAULT_PREFERENCES), digestEnabled: true };
      if (quietZone) prefs.quietHours = { enabled: true, start: '22:00', end: '07:00', timezone: quietZone };
      await savePreferences(h.db.knex, userId, prefs);
      await insertNotifications(h.db, userId, ['MEDIUM']);
      ids[name] = userId;
    };
    await user('kavi', 'Asia/Kolkata');
    await user('omar', 'Etc/GMT-6');
    await user('quin', 'UTC', 'Asia/Kolkata'); // quiet hours' zone first
    await user('uma', null); // the default zone, UTC: not its hour
  });
  after(() => h?.close());

  const run = (at: number) =>
    h.deps.temporal.client.workflow.execute<(i: LocalDigestInput) => Promise<LocalDigestResult>>('localDigestWorkflow', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: `local-digest-${randomUUID()}`,
      args: [
        {
          time,
          defaultTimeZone: 'UTC',
          runAt: new Date(at).toISOString(),
          emailTaskQueue: h.config.notifications.emailTaskQueue,
          maxAttempts: 3,
          retryInitialMs: 100,
        },
      ],
    });
  const rows = () =>
    h.db
      .knex('notification_digests')
      .orderBy('user_id')
      .select<{ userId: number; digestDate: string; status: string }[]>('user_id', 'digest_date', 'status');

  it('sends the users whose clock reaches the digest time in its hour (half-hour zone too), each keyed by their own date', async () => {
    const result = await run(runAt);
    const kolkataDay = digestDay(new Date(runAt + HOUR / 2), 'Asia/Kolkata');
    const plusSixDay = digestDay(new Date(runAt), 'Etc/GMT-6');
    assert.deepEqual(result.zones, [
      { timeZone: 'Asia/Kolkata', day: kolkataDay },
      { timeZone: 'Etc/GMT-6', day: plusSixDay },
    ]);
    assert.deepEqual([result.sent, result.alreadySent, result.failed, result.late], [3, 0, 0, []]);
    assert.deepEqual(await rows(), [
      { userId: ids.kavi, digestDate: kolkataDay, status: 'sent' },
      { userId: ids.omar, digestDate: plusSixDay, status: 'sent' },
      { userId: ids.quin, digestDate: kolkataDay, status: 'sent' },
    ]);
  });

  it('a re-run of the hour (a retry, a manual trigger, an overlap) sends nobody a second digest', async () => {
    const [a, b] = await Promise.all([run(runAt), run(runAt + 20 * 60_000)]);
    assert.deepEqual([a.runAt, b.runAt], [new Date(runAt).toISOString(), new Date(runAt).toISOString()], 'both stand for the hour');
    assert.deepEqual([a.sent + b.sent, a.alreadySent + b.alreadySent], [0, 6]);
    assert.equal((await rows()).length, 3);
  });

  it('the hour before is nobody’s digest time', async () => {
    const result = await run(runAt - HOUR);
    assert.deepEqual([result.zones, result.sent, result.alreadySent], [[], 0, 0]);
  });

  it('a run that starts after its users’ day has ended sends nothing: not yesterday’s digest today', async () => {
    await h.db.knex('notification_digests').delete();
    const result = await run(runAt - 2 * 24 * HOUR);
    assert.deepEqual(result.late, ['Asia/Kolkata', 'Etc/GMT-6']);
    assert.deepEqual([result.zones, result.sent], [[], 0]);
    assert.equal((await rows()).length, 0);
  });
});
