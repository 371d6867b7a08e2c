import assert from 'node:assert/strict';
import { quietHoursEnd } from '../../../src/domain/notifications/quiet-hours';
import { type QuietHours } from '../../../src/domain/notifications/types';
import { qh } from './quiet-hours-fixtures';

describe('domain/notifications/quiet-hours', () => {
  describe('quietHoursEnd', () => {
    describe('sweep: every 10 minutes around each DST change, checked against a separate reading of the clock', () => {
      // The reference reads the wall clock through Intl.DateTimeFormat#format and the UTC offset through
      // 'longOffset', not through the code under test.
      const cache = new Map<string, Intl.DateTimeFormat>();
      const fmt = (key: string, make: () => Intl.DateTimeFormat) => cache.get(key) ?? cache.set(key, make()).get(key)!;
      const hhmm = (instant: number, timeZone: string) =>
        fmt(
          `t ${timeZone}`,
          () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
        ).format(instant);
      const offsetName = (instant: number, timeZone: string) =>
        fmt(`o ${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })).format(instant);
      const inside = (instant: number, w: QuietHours) => {
        const t = hhmm(instant, w.timezone);
        return w.start < w.end ? t >= w.start && t < w.end : t >= w.start || t < w.end;
      };

      const sweeps: [string, string, [string, string][]][] = [
        [
          'America/New_York',
          '2026-03-07T00:00:00Z',
          [
            ['22:00', '07:00'],
            ['01:30', '02:30'],
            ['00:00', '01:30'],
            ['02:15', '03:15'],
            ['09:00', '17:00'],
          ],
        ],
        [
          'America/New_York',
          '2026-10-31T00:00:00Z',
          [
            ['22:00', '07:00'],
            ['00:00', '01:30'],
            ['01:00', '02:00'],
            ['01:15', '01:45'],
            ['09:00', '17:00'],
          ],
        ],
        [
          'Europe/London',
          '2026-03-28T00:00:00Z',
          [
            ['23:00', '06:00'],
            ['00:30', '01:30'],
            ['01:00', '02:00'],
          ],
        ],
        [
          'Europe/London',
          '2026-10-24T00:00:00Z',
          [
            ['23:00', '06:00'],
            ['00:30', '01:30'],
            ['01:00', '02:00'],
          ],
        ],
        [
          'Asia/Kolkata',
          '2026-05-09T00:00:00Z',
          [
            ['21:30', '06:15'],
            ['13:00', '14:30'],
          ],
        ],
        [
          'Pacific/Auckland',
          '2026-04-03T00:00:00Z',
          [
            ['22:00', '07:00'],
            ['02:30', '03:30'],
          ],
        ],
        [
          'Pacific/Auckland',
          '2026-09-25T00:00:00Z',
          [
            ['22:00', '07:00'],
            ['01:30', '02:30'],
          ],
        ],
        [
          'UTC',
          '2026-06-01T00:00:00Z',
          [
            ['22:00', '07:00'],
            ['09:00', '17:00'],
          ],
        ],
      ];
      const STEP = 10 * 60_000;

      for (const [tz, from, windows] of sweeps) {
        for (const [start, end] of windows) {
          it(`${tz} ${start}-${end}, three days from ${from.slice(0, 10)}`, () => {
            const w = qh(tz, start, end);
            const t0 = Date.parse(from);
            for (let now = t0; now < t0 + 3 * 24 * 3_600_000; now += STEP) {
              const at = `${new Date(now).toISOString()} (${hhmm(now, tz)} ${offsetName(now, tz)})`;
              const result = quietHoursEnd(new Date(now), w);
              assert.equal(result !== null, inside(now, w), `inside? at ${at}`);
              if (result === null) continue;
              const until = result.getTime();
              assert.ok(until > now, `end after now at ${at}`);
              assert.ok(until - now <= 24 * 3_600_000, `end within a day at ${at}`);
              // The end is `end` on the wall clock, or, when that time was skipped, the transition itself.
              const skipped = offsetName(until - 1000, tz) !== offsetName(until, tz);
              assert.ok(hhmm(until, tz) === end || skipped, `end reads ${hhmm(until, tz)} at ${at}`);
              assert.equal(inside(until, w), false, `still quiet at the end, from ${at}`);
              assert.equal(inside(until - 1000, w), true, `quiet a second before the end, from ${at}`);
              // Unless the clock fell back out of the window and into it again, it is quiet all the way.
              if (offsetName(now, tz) === offsetName(until - 1000, tz)) {
                for (let t = now; t < until; t += STEP) assert.equal(inside(t, w), true, `quiet in between, from ${at}`);
              }
            }
          });
        }
      }
    });
  });
});
