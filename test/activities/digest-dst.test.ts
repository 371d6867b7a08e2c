import assert from 'node:assert/strict';
import type { Db } from '../../src/db';
import { savePreferences } from '../../src/db/queries/preferences';
import { dueDigestZones } from '../../src/domain/notifications/digest-schedule';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { createLocalTransport } from '../../src/transports/local';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt } from './support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The hourly runs over the days the clocks change in New York and Berlin, against the database:
 * what each run asks the activities (zones, due recipients, one send each), twice over (a re-run
 * or an overlap of every hour). Every user gets exactly one digest per local day, sent by the run
 * whose hour holds 09:00 on their clock. The workflow adds no rule of its own to this.
 */
describe('activities/digests: one digest per user per local day across DST changes, re-runs included', () => {
  let db: Db;
  let acts: ReturnType<typeof activitiesFor>;
  const users: Record<string, number> = {};
  // Four UTC days around each change: NY springs forward 8 Mar and falls back 1 Nov; Berlin 29 Mar and 25 Oct.
  const spans = ['2026-03-07', '2026-03-28', '2026-10-24', '2026-10-31'].map((d) => Date.parse(`${d}T00:00:00Z`));

  before(async () => {
    ({ db } = await freshDatabase());
    acts = activitiesFor(db, createLocalTransport(db));
    const add = async (name: string, profile: string | null, quiet?: string) => {
      const { userId } = await insertUser(db, name, 'customer');
      await db.knex('users').where('id', userId).update({ timezone: profile });
      const prefs = { ...structuredClone(DEFAULT_PREFERENCES), digestEnabled: true };
      if (quiet) prefs.quietHours = { enabled: true, start: '22:00', end: '07:00', timezone: quiet };
      await savePreferences(db.knex, userId, prefs);
      users[name] = userId;
    };
    await add('nyla', 'America/New_York');
    await add('bernd', 'Asia/Tokyo', 'Europe/Berlin'); // the quiet-hours zone wins
    await add('kiran', 'Asia/Kolkata');
    await add('dee', null); // the default zone below: New York
    // Something unread in every 24 hours of every span, so that no digest is empty.
    const notes = [];
    for (const start of spans)
      for (let t = start - DAY; t < start + 5 * DAY; t += 6 * HOUR)
        for (const userId of Object.values(users))
          notes.push({ user_id: userId, title: 'n', message: 'm', category: 'repair_status', priority: 'MEDIUM', created_at: new Date(t) });
    await db.knex('notifications').insert(notes);
  });
  after(() => db?.destroy());

  /** One hourly run as the workflow makes it; returns who was sent a digest, with its day. */
  async function run(runAt: number): Promise<string[]> {
    const { due } = dueDigestZones(runAt, await acts.listDigestZones('America/New_York'), '09:00');
    const dayOf = new Map(due.map((z) => [z.timeZone, z.day]));
    const page = await acts.listDueDigestRecipients({
      zones: [...dayOf.keys()],
      defaultZone: 'America/New_York',
      afterUserId: 0,
      limit: 100,
    });
    const sent: string[] = [];
    for (const { userId, timeZone } of page) {
      const req = { userId, day: dayOf.get(timeZone) as string, windowEnd: new Date(runAt + 60_000).toISOString() };
      const outcome = await asAttempt(1, acts.sendDigest, req);
      if (outcome.status === 'sent') sent.push(`${Object.keys(users).find((n) => users[n] === userId)} ${req.day}`);
    }
    return sent;
  }

  it('sends each user one digest a local day, in the hour of their 09:00, and a re-run of any hour sends none', async () => {
    const log = new Map<string, string>();
    for (const start of spans) {
      for (let runAt = start; runAt < start + 4 * DAY; runAt += HOUR) {
        for (const line of await run(runAt)) {
          assert.ok(!log.has(line), `${line} twice`);
          log.set(line, new Date(runAt).toISOString().slice(5, 16));
        }
        assert.deepEqual(await run(runAt), [], 'the same hour again sends nothing');
      }
    }
    // The runs of the change days, and the day before, in UTC: 09:00 moves by the hour the clocks did.
    assert.deepEqual(
      ['nyla 2026-03-07', 'nyla 2026-03-08', 'dee 2026-03-08', 'bernd 2026-03-28', 'bernd 2026-03-29', 'kiran 2026-03-29'].map((k) =>
        log.get(k),
      ),
      ['03-07T14:00', '03-08T13:00', '03-08T13:00', '03-28T08:00', '03-29T07:00', '03-29T03:00'],
    );
    assert.deepEqual(
      ['bernd 2026-10-24', 'bernd 2026-10-25', 'nyla 2026-10-31', 'nyla 2026-11-01', 'dee 2026-11-01'].map((k) => log.get(k)),
      ['10-24T07:00', '10-25T08:00', '10-31T13:00', '11-01T14:00', '11-01T14:00'],
    );
    // Rows: one per user per local day, all sent; every local day of each span that began in it.
    const rows = await db.knex('notification_digests').select<{ userId: number; digestDate: string; status: string }[]>();
    const perUser = (id: number) => rows.filter((r) => r.userId === id);
    for (const [name, id] of Object.entries(users)) {
      const days = perUser(id).map((r) => r.digestDate);
      assert.equal(new Set(days).size, days.length, `${name}: no day twice`);
      assert.ok(
        perUser(id).every((r) => r.status === 'sent'),
        name,
      );
      // Four spans of four UTC days: 16 mornings west of Greenwich, and 16 east of it.
      assert.equal(days.length, 16, `${name}: ${days.join(' ')}`);
    }
  });
});
