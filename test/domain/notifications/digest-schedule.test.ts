import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  digestDueDay,
  digestRunStart,
  digestTimeZone,
  dueDigestZones,
  stillDigestDay,
} from '../../../src/domain/notifications/digest-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every hourly run from `from` (a UTC instant on the hour) for `hours`, with the day each one selects. */
function selections(zone: string, from: string, hours: number, time = '09:00'): { run: string; day: string }[] {
  const start = Date.parse(from);
  const out: { run: string; day: string }[] = [];
  for (let i = 0; i < hours; i++) {
    const day = digestDueDay(start + i * HOUR, zone, time);
    if (day !== null) out.push({ run: new Date(start + i * HOUR).toISOString().slice(0, 16), day });
  }
  return out;
}

describe('domain: when each user’s digest is due (one hourly run, 09:00 on their own clock)', () => {
  describe('on the days the clocks change, each local day is picked by exactly one run, the one holding its 09:00', () => {
    // Three UTC days around each change: the day before, the day itself, the day after.
    const cases: [string, string, string, string[]][] = [
      ['America/New_York', 'spring forward', '2026-03-07', ['2026-03-07T14:00', '2026-03-08T13:00', '2026-03-09T13:00']],
      ['America/New_York', 'fall back', '2026-10-31', ['2026-10-31T13:00', '2026-11-01T14:00', '2026-11-02T14:00']],
      ['Europe/Berlin', 'spring forward', '2026-03-28', ['2026-03-28T08:00', '2026-03-29T07:00', '2026-03-30T07:00']],
      ['Europe/Berlin', 'fall back', '2026-10-24', ['2026-10-24T07:00', '2026-10-25T08:00', '2026-10-26T08:00']],
    ];
    for (const [zone, change, first, runs] of cases) {
      it(`${zone}, ${change}`, () => {
        const days = [0, 1, 2].map((d) => new Date(Date.parse(first) + d * DAY).toISOString().slice(0, 10));
        assert.deepEqual(
          selections(zone, `${first}T00:00:00Z`, 72),
          runs.map((run, i) => ({ run, day: days[i] })),
        );
      });
    }

    it('Asia/Kolkata (UTC+05:30, no DST): the 03:00 UTC run, whose hour holds 09:00 IST (03:30 UTC)', () => {
      assert.deepEqual(selections('Asia/Kolkata', '2026-03-28T00:00:00Z', 48), [
        { run: '2026-03-28T03:00', day: '2026-03-28' },
        { run: '2026-03-29T03:00', day: '2026-03-29' },
      ]);
    });

    it('a zone east of the date line picks its day in the UTC evening before', () => {
      assert.deepEqual(selections('Pacific/Auckland', '2026-04-03T00:00:00Z', 48), [
        { run: '2026-04-03T20:00', day: '2026-04-04' }, // 09:00 NZDT
        { run: '2026-04-04T21:00', day: '2026-04-05' }, // 09:00 NZST: the clocks went back at 03:00
      ]);
    });
  });

  describe('a digest time the clocks skip or repeat', () => {
    it('skipped (02:30 on spring-forward day in New York): due at the change itself, 07:00 UTC', () => {
      assert.deepEqual(selections('America/New_York', '2026-03-08T00:00:00Z', 24, '02:30'), [
        { run: '2026-03-08T07:00', day: '2026-03-08' },
      ]);
    });

    it('repeated (01:30 on fall-back day in New York): its first occurrence only', () => {
      assert.deepEqual(selections('America/New_York', '2026-11-01T00:00:00Z', 24, '01:30'), [
        { run: '2026-11-01T05:00', day: '2026-11-01' },
      ]);
    });
  });

  it('for any zone, digest time and year of hourly runs: each local day exactly once, by the run whose hour holds its time', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Asia/Kathmandu', // +05:45
      'Australia/Lord_Howe', // a 30-minute DST change
      'Pacific/Chatham', // +12:45/+13:45
      'America/St_Johns', // -03:30/-02:30
      'America/Santiago', // changes at midnight
      'Pacific/Auckland',
    ];
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.constantFrom(...zones), time, fc.integer({ min: 2024, max: 2030 }), (zone, hhmm, year) => {
        const start = Date.UTC(year, 0, 1);
        const hours = 366 * 24;
        const perDay = new Map<string, number>();
        for (let i = 0; i < hours; i++) {
          const run = start + i * HOUR;
          const day = digestDueDay(run, zone, hhmm);
          if (day !== null) perDay.set(day, (perDay.get(day) ?? 0) + 1);
        }
        // Every local day wholly inside the span: 2 Jan to 30 Dec leaves a day's margin at both ends.
        for (let d = start + DAY; d < start + 364 * DAY; d += DAY) {
          const day = new Date(d).toISOString().slice(0, 10);
          assert.equal(perDay.get(day), 1, `${zone} ${hhmm} ${day}`);
        }
        assert.ok([...perDay.values()].every((n) => n === 1));
      }),
      { numRuns: 8 },
    );
  });

  it('runs on the hour: a manual trigger at 13:20 stands for the 13:00 run', () => {
    assert.equal(new Date(digestRunStart(Date.parse('2026-03-08T13:20:45Z'))).toISOString(), '2026-03-08T13:00:00.000Z');
    assert.equal(digestRunStart(Date.parse('2026-03-08T13:00:00Z')), Date.parse('2026-03-08T13:00:00Z'));
  });

  it('a late run sends only while the day is still that day where the user is', () => {
    assert.equal(stillDigestDay(Date.parse('2026-03-09T03:59:00Z'), 'America/New_York', '2026-03-08'), true); // 23:59 EDT
    assert.equal(stillDigestDay(Date.parse('2026-03-09T04:00:00Z'), 'America/New_York', '2026-03-08'), false);
  });

  it('due zones: only those whose hour it is, each with its own local date; an unknown zone is reported', () => {
    const run = Date.parse('2026-03-08T13:00:00Z');
    assert.deepEqual(
      dueDigestZones(run, ['Europe/Berlin', 'America/New_York', 'America/Toronto', 'Mars/Olympus', 'America/New_York'], '09:00'),
      {
        due: [
          { timeZone: 'America/New_York', day: '2026-03-08' },
          { timeZone: 'America/Toronto', day: '2026-03-08' },
        ],
        unknown: ['Mars/Olympus'],
      },
    );
    assert.throws(() => digestDueDay(run, 'UTC', '9:00'), RangeError);
  });

  describe('whose clock a user’s digest follows', () => {
    const user = (quietHoursEnabled: boolean, quietHoursTimezone: string, profileTimezone: string | null) => ({
      quietHoursEnabled,
      quietHoursTimezone,
      profileTimezone,
    });
    const table: [string, ReturnType<typeof user>, string][] = [
      ['quiet hours on: their zone, even UTC', user(true, 'UTC', 'Asia/Tokyo'), 'UTC'],
      ['quiet hours on, own zone', user(true, 'Europe/Berlin', 'Asia/Tokyo'), 'Europe/Berlin'],
      ['quiet hours off, but a zone chosen', user(false, 'America/Chicago', 'Asia/Tokyo'), 'America/Chicago'],
      ['quiet-hours zone untouched: the profile zone', user(false, 'UTC', 'Asia/Tokyo'), 'Asia/Tokyo'],
      ['neither: the deployment default', user(false, 'UTC', null), 'America/New_York'],
    ];
    for (const [why, sources, expected] of table) {
      it(why, () => assert.equal(digestTimeZone(sources, 'America/New_York'), expected));
    }
  });
});
