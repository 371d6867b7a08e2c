import assert from 'node:assert/strict';
import { zodFields } from '../../src/api/route';
import { LOT_WALKING_DEFAULTS, lotWalkingPreferencesSchema, nextLotWalk, type LotWalkingPreferences } from '../../src/domain/lot-walking';

const TIME_MSG = 'must be a time HH:MM (00:00-23:59)';

/** The field errors a client would see for `body` (the API turns zod issues into these). */
function fieldsFor(body: unknown): Record<string, string> | null {
  const r = lotWalkingPreferencesSchema.safeParse(body);
  return r.success ? null : zodFields(r.error, 'body', body);
}

const prefs = (p: Partial<LotWalkingPreferences>): LotWalkingPreferences => ({
  lotWalkingEnabled: true,
  frequency: 'WEEKLY',
  days: ['MONDAY'],
  time: '09:00',
  ...p,
});
const at = (iso: string): Date => new Date(iso);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

describe('domain/lot-walking', () => {
  describe('preferences schema', () => {
    it('accepts a full object and keeps the days in week order', () => {
      const r = lotWalkingPreferencesSchema.parse({
        lotWalkingEnabled: true,
        frequency: 'BIWEEKLY',
        days: ['SUNDAY', 'WEDNESDAY', 'MONDAY'],
        time: '07:30',
      });
      assert.deepEqual(r, { lotWalkingEnabled: true, frequency: 'BIWEEKLY', days: ['MONDAY', 'WEDNESDAY', 'SUNDAY'], time: '07:30' });
    });

    it('accepts every frequency and all seven days', () => {
      for (const frequency of ['WEEKLY', 'BIWEEKLY', 'MONTHLY', 'QUARTERLY']) {
        const days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
        assert.equal(fieldsFor({ lotWalkingEnabled: true, frequency, days, time: '12:00' }), null, frequency);
      }
    });

    it('has defaults that are themselves valid: off, monthly, no days, 09:00', () => {
      assert.deepEqual(LOT_WALKING_DEFAULTS, { lotWalkingEnabled: false, frequency: 'MONTHLY', days: [], time: '09:00' });
      assert.deepEqual(lotWalkingPreferencesSchema.parse(LOT_WALKING_DEFAULTS), LOT_WALKING_DEFAULTS);
    });

    it('lets a disabled preference have no days, but not an enabled one', () => {
      assert.equal(fieldsFor({ lotWalkingEnabled: false, frequency: 'WEEKLY', days: [], time: '09:00' }), null);
      assert.deepEqual(fieldsFor({ lotWalkingEnabled: true, frequency: 'WEEKLY', days: [], time: '09:00' }), {
        days: 'must have at least one day when lot walking is enabled',
      });
    });

    it('names each repeated day by its index, enabled or not', () => {
      assert.deepEqual(
        fieldsFor({ lotWalkingEnabled: false, frequency: 'WEEKLY', days: ['MONDAY', 'FRIDAY', 'MONDAY', 'FRIDAY'], time: '09:00' }),
        { 'days.2': 'repeats MONDAY', 'days.3': 'repeats FRIDAY' },
      );
    });

    it('takes times from 00:00 to 23:59 only, as HH:MM', () => {
      for (const time of ['00:00', '23:59', '09:05', '19:30']) {
        assert.equal(fieldsFor(prefs({ time })), null, time);
      }
      for (const time of ['24:00', '9:00', '12:60', '12:00:00', ' 09:00', '0900', 'noon', '']) {
        assert.deepEqual(fieldsFor(prefs({ time })), { time: TIME_MSG }, time);
      }
    });

    it('reports every problem at once, by field', () => {
      assert.deepEqual(fieldsFor({ lotWalkingEnabled: true, frequency: 'DAILY', days: ['MONDAY', 'MONDAY', 'FUNDAY'], time: '24:00' }), {
        frequency: 'must be one of WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY',
        'days.1': 'repeats MONDAY',
        'days.2': 'must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY',
        time: TIME_MSG,
      });
      assert.deepEqual(fieldsFor({ lotWalkingEnabled: 'yes', days: ['monday'] }), {
        lotWalkingEnabled: 'must be a boolean',
        frequency: 'is required',
        'days.0': 'must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY',
        time: 'is required',
      });
    });

    it('needs every field (a PUT replaces the whole object)', () => {
      assert.deepEqual(fieldsFor({}), {
        lotWalkingEnabled: 'is required',
        frequency: 'is required',
        days: 'is required',
        time: 'is required',
      });
    });
  });

  describe('nextLotWalk', () => {
    // 2026-01-05 is a Monday.
    it('is null when lot walking is off, whatever else is set', () => {
      assert.equal(nextLotWalk(prefs({ lotWalkingEnabled: false }), at('2026-01-05T00:00:00Z')), null);
      assert.equal(nextLotWalk({ ...LOT_WALKING_DEFAULTS, days: [] }, at('2026-01-05T00:00:00Z')), null);
    });

    it('is null when enabled with no day (the schema refuses that, the function does not guess)', () => {
      assert.equal(nextLotWalk(prefs({ days: [] }), at('2026-01-05T00:00:00Z')), null);
    });

    describe('WEEKLY', () => {
      it('is later the same day when the preferred time is still ahead', () => {
        assert.equal(iso(nextLotWalk(prefs({}), at('2026-01-05T08:00:00Z'))), '2026-01-05T09:00:00.000Z');
      });

      it('is on or after from: exactly the preferred time counts, a second later does not', () => {
        assert.equal(iso(nextLotWalk(prefs({}), at('2026-01-05T09:00:00Z'))), '2026-01-05T09:00:00.000Z');
        assert.equal(iso(nextLotWalk(prefs({}), at('2026-01-05T09:00:01Z'))), '2026-01-12T09:00:00.000Z');
      });

      it('picks the nearest of several days', () => {
        const p = prefs({ days: ['TUESDAY', 'THURSDAY', 'SATURDAY'] });
        assert.equal(iso(nextLotWalk(p, at('2026-01-05T12:00:00Z'))), '2026-01-06T09:00:00.000Z');
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T10:00:00Z'))), '2026-01-08T09:00:00.000Z');
        assert.equal(iso(nextLotWalk(p, at('2026-01-08T08:59:59Z'))), '2026-01-08T09:00:00.000Z');
      });

      it('wraps around to next week', () => {
        const p = prefs({ days: ['WEDNESDAY', 'FRIDAY'] });
        // Saturday → the following Wednesday.
        assert.equal(iso(nextLotWalk(p, at('2026-01-10T12:00:00Z'))), '2026-01-14T09:00:00.000Z');
        // Sunday late → Monday.
        const monday = prefs({ days: ['MONDAY'], time: '00:00' });
        assert.equal(iso(nextLotWalk(monday, at('2026-01-11T23:59:00Z'))), '2026-01-12T00:00:00.000Z');
      });

      it('wraps around the end of a year (and a month)', () => {
        // Thursday 31 December 2026 after the walk time → Monday 4 January 2027.
        assert.equal(iso(nextLotWalk(prefs({ time: '17:45' }), at('2026-12-31T18:00:00Z'))), '2027-01-04T17:45:00.000Z');
      });

      it('ignores lastWalk: every preferred day of every week is a walk', () => {
        const p = prefs({ days: ['MONDAY', 'THURSDAY'] });
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T00:00:00Z'), 'UTC', at('2026-01-05T09:00:00Z'))), '2026-01-08T09:00:00.000Z');
      });
    });

    describe('BIWEEKLY', () => {
      const p = prefs({ frequency: 'BIWEEKLY' });

      it('without a last walk, is the next preferred day', () => {
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T00:00:00Z'))), '2026-01-12T09:00:00.000Z');
      });

      it('is the first preferred day at least 14 days after the last walk', () => {
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T00:00:00Z'), 'UTC', at('2026-01-05T09:00:00Z'))), '2026-01-19T09:00:00.000Z');
        const wed = prefs({ frequency: 'BIWEEKLY', days: ['WEDNESDAY'] });
        assert.equal(iso(nextLotWalk(wed, at('2026-01-06T00:00:00Z'), 'UTC', at('2026-01-05T09:00:00Z'))), '2026-01-21T09:00:00.000Z');
      });

      it('counts whole days: a walk late on day 0 still allows the preferred time on day 14', () => {
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T00:00:00Z'), 'UTC', at('2026-01-05T20:00:00Z'))), '2026-01-19T09:00:00.000Z');
      });

      it('never goes before from, even when the gap has long passed', () => {
        assert.equal(iso(nextLotWalk(p, at('2026-02-03T00:00:00Z'), 'UTC', at('2026-01-05T09:00:00Z'))), '2026-02-09T09:00:00.000Z');
      });
    });

    describe('MONTHLY', () => {
      it('without a last walk, is the next preferred day', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['FRIDAY'] });
        assert.equal(iso(nextLotWalk(p, at('2026-01-05T00:00:00Z'))), '2026-01-09T09:00:00.000Z');
      });

      it('is the first preferred day at least one calendar month after the last walk', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['MONDAY'] });
        // Last walk Monday 5 January → 5 February (a Thursday) → Monday 9 February.
        assert.equal(iso(nextLotWalk(p, at('2026-01-06T00:00:00Z'), 'UTC', at('2026-01-05T09:00:00Z'))), '2026-02-09T09:00:00.000Z');
      });

      it('clamps to the end of a shorter month: 31 January → 28 February', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['SATURDAY'] });
        // Saturday 31 January 2026 → Saturday 28 February 2026 (not 7 March).
        assert.equal(iso(nextLotWalk(p, at('2026-02-01T00:00:00Z'), 'UTC', at('2026-01-31T09:00:00Z'))), '2026-02-28T09:00:00.000Z');
      });

      it('clamps to 29 February in a leap year', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['TUESDAY'] });
        // Monday 31 January 2028 → Tuesday 29 February 2028.
        assert.equal(iso(nextLotWalk(p, at('2028-02-01T00:00:00Z'), 'UTC', at('2028-01-31T09:00:00Z'))), '2028-02-29T09:00:00.000Z');
      });

      it('crosses the end of a year', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['MONDAY', 'THURSDAY'] });
        // Thursday 31 December 2026 → 31 January 2027 (Sunday) → Monday 1 February 2027.
        assert.equal(iso(nextLotWalk(p, at('2027-01-01T00:00:00Z'), 'UTC', at('2026-12-31T09:00:00Z'))), '2027-02-01T09:00:00.000Z');
      });
    });

    describe('QUARTERLY', () => {
      it('without a last walk, is the next preferred day', () => {
        const p = prefs({ frequency: 'QUARTERLY', days: ['SUNDAY'] });
        assert.equal(iso(nextLotWalk(p, at('2026-01-05T00:00:00Z'))), '2026-01-11T09:00:00.000Z');
      });

      it('is the first preferred day at least three calendar months later, across a year end and a month end', () => {
        const p = prefs({ frequency: 'QUARTERLY', days: ['SUNDAY'] });
        // Monday 30 November 2026 → 28 February 2027 (a Sunday: the clamped date itself).
        assert.equal(iso(nextLotWalk(p, at('2026-12-01T00:00:00Z'), 'UTC', at('2026-11-30T09:00:00Z'))), '2027-02-28T09:00:00.000Z');
        const wed = prefs({ frequency: 'QUARTERLY', days: ['WEDNESDAY'] });
        // Thursday 31 December 2026 → Wednesday 31 March 2027.
        assert.equal(iso(nextLotWalk(wed, at('2027-01-01T00:00:00Z'), 'UTC', at('2026-12-31T09:00:00Z'))), '2027-03-31T09:00:00.000Z');
      });
    });

    describe('time zones', () => {
      const ny = 'America/New_York';

      it('uses the wall clock of the zone (EST in winter, EDT in summer)', () => {
        assert.equal(iso(nextLotWalk(prefs({}), at('2026-01-05T13:00:00Z'), ny)), '2026-01-05T14:00:00.000Z');
        // Monday 6 July 2026, 09:00 EDT.
        assert.equal(iso(nextLotWalk(prefs({}), at('2026-07-05T12:00:00Z'), ny)), '2026-07-06T13:00:00.000Z');
      });

      it('decides the weekday locally: 03:00 UTC Tuesday is still Monday evening in New York', () => {
        const late = prefs({ days: ['MONDAY'], time: '23:00' });
        assert.equal(iso(nextLotWalk(late, at('2026-01-06T03:00:00Z'), ny)), '2026-01-06T04:00:00.000Z');
      });

      it('counts months on the local calendar', () => {
        const p = prefs({ frequency: 'MONTHLY', days: ['SATURDAY'] });
        // 02:00 UTC on 1 February is 31 January in New York → earliest 28 February.
        assert.equal(iso(nextLotWalk(p, at('2026-02-02T00:00:00Z'), ny, at('2026-02-01T02:00:00Z'))), '2026-02-28T14:00:00.000Z');
      });

      it('moves a time skipped by spring-forward an hour later', () => {
        // Sunday 8 March 2026: New York clocks jump from 02:00 EST to 03:00 EDT; 02:30 → 03:30 EDT.
        const p = prefs({ days: ['SUNDAY'], time: '02:30' });
        assert.equal(iso(nextLotWalk(p, at('2026-03-08T05:00:00Z'), ny)), '2026-03-08T07:30:00.000Z');
      });

      it('takes the first of a time that happens twice at fall-back', () => {
        // Sunday 1 November 2026: 01:30 happens in EDT (05:30Z), then again in EST (06:30Z).
        const p = prefs({ days: ['SUNDAY'], time: '01:30' });
        assert.equal(iso(nextLotWalk(p, at('2026-11-01T04:00:00Z'), ny)), '2026-11-01T05:30:00.000Z');
      });
    });

    it('refuses what validated preferences never contain: a bad time, zone or date', () => {
      assert.throws(() => nextLotWalk(prefs({ time: '25:00' }), at('2026-01-05T00:00:00Z')), RangeError);
      assert.throws(() => nextLotWalk(prefs({}), at('2026-01-05T00:00:00Z'), 'Mars/Olympus'), RangeError);
      assert.throws(() => nextLotWalk(prefs({}), new Date(Number.NaN)), RangeError);
      assert.throws(
        () => nextLotWalk(prefs({ frequency: 'MONTHLY' }), at('2026-01-05T00:00:00Z'), 'UTC', new Date(Number.NaN)),
        RangeError,
      );
    });
  });
});
