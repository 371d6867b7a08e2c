import assert from 'node:assert/strict';
import type { Db } from '../../src/db';
import { savePreferences } from '../../src/db/queries/preferences';
import { digestTimeZone, type DigestZoneSources } from '../../src/domain/notifications/digest-schedule';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { createLocalTransport } from '../../src/transports/local';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor } from './support';

const DEFAULT_ZONE = 'America/Chicago';

describe('activities/digests: which recipients an hourly run finds, by the zone their clock follows', () => {
  let db: Db;
  let acts: ReturnType<typeof activitiesFor>;
  /** Each digest recipient's zone by the domain's rule, the one the SQL must agree with. */
  const expected = new Map<number, string>();

  // Every branch of the rule, a few times over so that pages cut across zones.
  const cases: (DigestZoneSources & { digest?: boolean; email?: boolean; active?: boolean })[] = [
    { quietHoursEnabled: true, quietHoursTimezone: 'UTC', profileTimezone: 'Asia/Tokyo' },
    { quietHoursEnabled: true, quietHoursTimezone: 'Europe/Berlin', profileTimezone: null },
    { quietHoursEnabled: false, quietHoursTimezone: 'America/New_York', profileTimezone: 'Asia/Tokyo' },
    { quietHoursEnabled: false, quietHoursTimezone: 'UTC', profileTimezone: 'Asia/Kolkata' },
    { quietHoursEnabled: false, quietHoursTimezone: 'UTC', profileTimezone: null },
    { quietHoursEnabled: false, quietHoursTimezone: 'UTC', profileTimezone: 'Europe/Berlin', digest: false },
    { quietHoursEnabled: false, quietHoursTimezone: 'UTC', profileTimezone: 'Europe/Berlin', email: false },
    { quietHoursEnabled: false, quietHoursTimezone: 'UTC', profileTimezone: 'Europe/Berlin', active: false },
  ];

  before(async () => {
    ({ db } = await freshDatabase());
    acts = activitiesFor(db, createLocalTransport(db));
    for (let round = 0; round < 3; round++) {
      for (const [i, c] of cases.entries()) {
        const { userId } = await insertUser(db, `zone${round}-${i}`, 'customer');
        await db
          .knex('users')
          .where('id', userId)
          .update({ timezone: c.profileTimezone, is_active: c.active ?? true });
        await savePreferences(db.knex, userId, {
          ...structuredClone(DEFAULT_PREFERENCES),
          digestEnabled: c.digest ?? true,
          emailEnabled: c.email ?? true,
          quietHours: { enabled: c.quietHoursEnabled, start: '22:00', end: '07:00', timezone: c.quietHoursTimezone },
        });
        if ((c.digest ?? true) && (c.email ?? true) && (c.active ?? true)) expected.set(userId, digestTimeZone(c, DEFAULT_ZONE));
      }
    }
    // A user who never saved preferences has digests off (the default): never listed.
    await insertUser(db, 'no-prefs', 'customer');
  });
  after(() => db?.destroy());

  it('lists each zone in use once, the same zone the domain rule gives each recipient', async () => {
    assert.deepEqual(await acts.listDigestZones(DEFAULT_ZONE), [...new Set(expected.values())].sort());
  });

  it('pages through the recipients of the due zones only, in id order, each with its zone', async () => {
    const zones = ['Asia/Kolkata', 'UTC', DEFAULT_ZONE];
    const found: { userId: number; timeZone: string }[] = [];
    let after = 0;
    for (;;) {
      const page = await acts.listDueDigestRecipients({ zones, defaultZone: DEFAULT_ZONE, afterUserId: after, limit: 2 });
      found.push(...page);
      if (page.length < 2) break;
      after = page.at(-1)!.userId;
    }
    const want = [...expected].filter(([, z]) => zones.includes(z)).map(([userId, timeZone]) => ({ userId, timeZone }));
    assert.equal(want.length, 9, 'three of each due zone');
    assert.deepEqual(
      found,
      want.sort((a, b) => a.userId - b.userId),
    );
  });

  it('the deployment default moves the users who chose no zone, and nobody else', async () => {
    const zones = await acts.listDigestZones('Pacific/Auckland');
    assert.ok(zones.includes('Pacific/Auckland') && !zones.includes(DEFAULT_ZONE));
    assert.deepEqual(await acts.listDueDigestRecipients({ zones: [], defaultZone: DEFAULT_ZONE, afterUserId: 0, limit: 10 }), []);
  });
});
