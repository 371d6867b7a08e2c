import assert from 'node:assert/strict';
import { isValidTimeOfDay, isValidTimeZone, quietHoursEnd } from '../../../src/domain/notifications/quiet-hours';
import { type QuietHours } from '../../../src/domain/notifications/types';

const qh = (timezone: string, start: string, end: string, enabled = true): QuietHours => ({ enabled, start, end, timezone });

const endOf = (now: string, quiet: QuietHours) => quietHoursEnd(new Date(now), quiet)?.toISOString() ?? null;

/** [label, zone, start, end, now (UTC), expected end (UTC) or null]. Local times in the labels were worked out by hand. */
type Case = [string, string, string, string, string, string | null];

const CASES: Record<string, Case[]> = {
  UTC: [
    ['23:00, window crossing midnight → 07:00 next day', 'UTC', '22:00', '07:00', '2026-06-01T23:00:00Z', '2026-06-02T07:00:00.000Z'],
    ['exactly 22:00 (start) is quiet', 'UTC', '22:00', '07:00', '2026-06-01T22:00:00Z', '2026-06-02T07:00:00.000Z'],
    ['21:59:59.999 is not yet quiet', 'UTC', '22:00', '07:00', '2026-06-01T21:59:59.999Z', null],
    ['00:00 (midnight) → 07:00 same day', 'UTC', '22:00', '07:00', '2026-06-02T00:00:00Z', '2026-06-02T07:00:00.000Z'],
    ['06:59:59.999 is still quiet', 'UTC', '22:00', '07:00', '2026-06-02T06:59:59.999Z', '2026-06-02T07:00:00.000Z'],
    ['exactly 07:00 (end) is no longer quiet', 'UTC', '22:00', '07:00', '2026-06-02T07:00:00Z', null],
    ['midday is outside a night window', 'UTC', '22:00', '07:00', '2026-06-02T12:00:00Z', null],
    ['12:00 inside a daytime window → 17:00', 'UTC', '09:00', '17:00', '2026-06-02T12:00:00Z', '2026-06-02T17:00:00.000Z'],
    ['exactly 09:00 inside a daytime window', 'UTC', '09:00', '17:00', '2026-06-02T09:00:00Z', '2026-06-02T17:00:00.000Z'],
    ['08:59 before a daytime window', 'UTC', '09:00', '17:00', '2026-06-02T08:59:00Z', null],
    ['exactly 17:00 ends a daytime window', 'UTC', '09:00', '17:00', '2026-06-02T17:00:00Z', null],
    ['23:30 after a daytime window', 'UTC', '09:00', '17:00', '2026-06-02T23:30:00Z', null],
    ['window 00:00-23:59 at 23:58 → 23:59', 'UTC', '00:00', '23:59', '2026-06-02T23:58:00Z', '2026-06-02T23:59:00.000Z'],
    ['window 00:00-23:59 at 23:59 is open', 'UTC', '00:00', '23:59', '2026-06-02T23:59:00Z', null],
    ['window 23:59-00:00 at 23:59:30 → midnight', 'UTC', '23:59', '00:00', '2026-06-02T23:59:30Z', '2026-06-03T00:00:00.000Z'],
    ['year end: 31 Dec 23:00 → 1 Jan 07:00', 'UTC', '22:00', '07:00', '2026-12-31T23:00:00Z', '2027-01-01T07:00:00.000Z'],
    ['leap day: 28 Feb 2028 23:00 → 29 Feb 07:00', 'UTC', '22:00', '07:00', '2028-02-28T23:00:00Z', '2028-02-29T07:00:00.000Z'],
  ],
  'America/New_York (EST -05:00, EDT -04:00)': [
    ['23:30 EST 14 Jan → 07:00 EST 15 Jan', 'America/New_York', '22:00', '07:00', '2026-01-15T04:30:00Z', '2026-01-15T12:00:00.000Z'],
    ['03:00 EST → 07:00 EST same day', 'America/New_York', '22:00', '07:00', '2026-01-15T08:00:00Z', '2026-01-15T12:00:00.000Z'],
    ['exactly 22:00 EST (start)', 'America/New_York', '22:00', '07:00', '2026-01-15T03:00:00Z', '2026-01-15T12:00:00.000Z'],
    ['21:59 EST, a minute early', 'America/New_York', '22:00', '07:00', '2026-01-15T02:59:00Z', null],
    ['00:00 EST (midnight)', 'America/New_York', '22:00', '07:00', '2026-01-15T05:00:00Z', '2026-01-15T12:00:00.000Z'],
    ['23:59:59 EST', 'America/New_York', '22:00', '07:00', '2026-01-15T04:59:59Z', '2026-01-15T12:00:00.000Z'],
    ['06:59:59 EST', 'America/New_York', '22:00', '07:00', '2026-01-15T11:59:59Z', '2026-01-15T12:00:00.000Z'],
    ['exactly 07:00 EST (end)', 'America/New_York', '22:00', '07:00', '2026-01-15T12:00:00Z', null],
    ['12:00 EST', 'America/New_York', '22:00', '07:00', '2026-01-15T17:00:00Z', null],
    ['23:30 EDT 30 Jun → 07:00 EDT 1 Jul', 'America/New_York', '22:00', '07:00', '2026-07-01T03:30:00Z', '2026-07-01T11:00:00.000Z'],
    ['UTC already the next day: 21:30 EDT is before the window', 'America/New_York', '22:00', '07:00', '2026-07-01T01:30:00Z', null],
    ['13:00 EDT inside 12:00-14:00', 'America/New_York', '12:00', '14:00', '2026-07-01T17:00:00Z', '2026-07-01T18:00:00.000Z'],
  ],
  'America/New_York, spring forward 2026-03-08 (02:00 EST → 03:00 EDT at 07:00Z)': [
    [
      '23:00 EST 7 Mar → 07:00 EDT 8 Mar (not 12:00Z)',
      'America/New_York',
      '22:00',
      '07:00',
      '2026-03-08T04:00:00Z',
      '2026-03-08T11:00:00.000Z',
    ],
    ['01:30 EST → 07:00 EDT', 'America/New_York', '22:00', '07:00', '2026-03-08T06:30:00Z', '2026-03-08T11:00:00.000Z'],
    ['03:30 EDT → 07:00 EDT', 'America/New_York', '22:00', '07:00', '2026-03-08T07:30:00Z', '2026-03-08T11:00:00.000Z'],
    [
      'end 02:30 does not exist: 00:00 EST → 03:00 EDT',
      'America/New_York',
      '22:00',
      '02:30',
      '2026-03-08T05:00:00Z',
      '2026-03-08T07:00:00.000Z',
    ],
    [
      'end 02:30 does not exist: 01:59:59 EST → 03:00 EDT',
      'America/New_York',
      '22:00',
      '02:30',
      '2026-03-08T06:59:59Z',
      '2026-03-08T07:00:00.000Z',
    ],
    ['end 02:30 does not exist: 03:00 EDT is past it', 'America/New_York', '22:00', '02:30', '2026-03-08T07:00:00Z', null],
    [
      'end 02:00 (the gap start) does not exist: 01:00 EST → 03:00 EDT',
      'America/New_York',
      '00:00',
      '02:00',
      '2026-03-08T06:00:00Z',
      '2026-03-08T07:00:00.000Z',
    ],
    [
      'end 03:00 EDT exists: 01:30 EST → 03:00 EDT',
      'America/New_York',
      '01:00',
      '03:00',
      '2026-03-08T06:30:00Z',
      '2026-03-08T07:00:00.000Z',
    ],
    ['window 02:00-02:30 lies in the gap: 01:59 EST is before it', 'America/New_York', '02:00', '02:30', '2026-03-08T06:59:00Z', null],
    ['window 02:00-02:30 lies in the gap: 03:00 EDT is after it', 'America/New_York', '02:00', '02:30', '2026-03-08T07:00:00Z', null],
    [
      'start 02:30 in the gap: 03:00 EDT is inside → 08:00 EDT',
      'America/New_York',
      '02:30',
      '08:00',
      '2026-03-08T07:00:00Z',
      '2026-03-08T12:00:00.000Z',
    ],
    ['start 02:30 in the gap: 01:59 EST is before it', 'America/New_York', '02:30', '08:00', '2026-03-08T06:59:00Z', null],
    [
      'the day before is unaffected: 23:00 EST 6 Mar → 07:00 EST 7 Mar',
      'America/New_York',
      '22:00',
      '07:00',
      '2026-03-07T04:00:00Z',
      '2026-03-07T12:00:00.000Z',
    ],
    [
      'the evening after: 23:00 EDT 8 Mar → 07:00 EDT 9 Mar',
      'America/New_York',
      '22:00',
      '07:00',
      '2026-03-09T03:00:00Z',
      '2026-03-09T11:00:00.000Z',
    ],
  ],
  'America/New_York, fall back 2026-11-01 (02:00 EDT → 01:00 EST at 06:00Z)': [
    [
      '23:00 EDT 31 Oct → 07:00 EST 1 Nov (not 11:00Z)',
      'America/New_York',
      '22:00',
      '07:00',
      '2026-11-01T03:00:00Z',
      '2026-11-01T12:00:00.000Z',
    ],
    ['01:30 EDT (first) → 07:00 EST', 'America/New_York', '22:00', '07:00', '2026-11-01T05:30:00Z', '2026-11-01T12:00:00.000Z'],
    ['01:30 EST (second) → 07:00 EST', 'America/New_York', '22:00', '07:00', '2026-11-01T06:30:00Z', '2026-11-01T12:00:00.000Z'],
    [
      'end 01:30 happens twice: from 23:00 EDT the first one, 01:30 EDT',
      'America/New_York',
      '22:00',
      '01:30',
      '2026-11-01T03:00:00Z',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      'end 01:30 happens twice: 01:29 EDT → 01:30 EDT',
      'America/New_York',
      '22:00',
      '01:30',
      '2026-11-01T05:29:00Z',
      '2026-11-01T05:30:00.000Z',
    ],
    ['end 01:30 happens twice: at 01:30 EDT the window is over', 'America/New_York', '22:00', '01:30', '2026-11-01T05:30:00Z', null],
    ['end 01:30 happens twice: 01:59 EDT is outside', 'America/New_York', '22:00', '01:30', '2026-11-01T05:59:00Z', null],
    [
      'end 01:30 happens twice: clock back at 01:15 EST → the second 01:30',
      'America/New_York',
      '22:00',
      '01:30',
      '2026-11-01T06:15:00Z',
      '2026-11-01T06:30:00.000Z',
    ],
    ['end 01:30 happens twice: at 01:30 EST the window is over', 'America/New_York', '22:00', '01:30', '2026-11-01T06:30:00Z', null],
    [
      'end 01:00 happens twice: 00:30 EDT → 01:00 EDT',
      'America/New_York',
      '00:00',
      '01:00',
      '2026-11-01T04:30:00Z',
      '2026-11-01T05:00:00.000Z',
    ],
    [
      'window 01:00-02:00 spans both 01:xx hours: 01:10 EDT → 02:00 EST',
      'America/New_York',
      '01:00',
      '02:00',
      '2026-11-01T05:10:00Z',
      '2026-11-01T07:00:00.000Z',
    ],
    [
      '23:30 EDT 31 Oct, window to 06:00 → 06:00 EST',
      'America/New_York',
      '23:00',
      '06:00',
      '2026-11-01T03:30:00Z',
      '2026-11-01T11:00:00.000Z',
    ],
    [
      'the evening after: 23:00 EST 1 Nov → 07:00 EST 2 Nov',
      'America/New_York',
      '22:00',
      '07:00',
      '2026-11-02T04:00:00Z',
      '2026-11-02T12:00:00.000Z',
    ],
  ],
  'Europe/London (GMT +00:00, BST +01:00)': [
    ['23:30 GMT 10 Jan → 06:00 GMT 11 Jan', 'Europe/London', '23:00', '06:00', '2026-01-10T23:30:00Z', '2026-01-11T06:00:00.000Z'],
    ['23:30 BST 1 Jul → 06:00 BST 2 Jul', 'Europe/London', '23:00', '06:00', '2026-07-01T22:30:00Z', '2026-07-02T05:00:00.000Z'],
    [
      'exactly 23:00 BST (start), still 22:00 in UTC',
      'Europe/London',
      '23:00',
      '06:00',
      '2026-07-01T22:00:00Z',
      '2026-07-02T05:00:00.000Z',
    ],
    ['22:59 BST is not yet quiet', 'Europe/London', '23:00', '06:00', '2026-07-01T21:59:00Z', null],
    ['exactly 06:00 BST (end), 05:00 in UTC', 'Europe/London', '23:00', '06:00', '2026-07-02T05:00:00Z', null],
    ['05:30 UTC is 06:30 BST: outside although UTC says inside', 'Europe/London', '23:00', '06:00', '2026-07-02T05:30:00Z', null],
  ],
  'Europe/London, spring forward 2026-03-29 (01:00 GMT → 02:00 BST at 01:00Z)': [
    ['23:30 GMT 28 Mar → 06:00 BST 29 Mar', 'Europe/London', '23:00', '06:00', '2026-03-28T23:30:00Z', '2026-03-29T05:00:00.000Z'],
    ['00:30 GMT → 06:00 BST', 'Europe/London', '23:00', '06:00', '2026-03-29T00:30:00Z', '2026-03-29T05:00:00.000Z'],
    ['02:30 BST → 06:00 BST', 'Europe/London', '23:00', '06:00', '2026-03-29T01:30:00Z', '2026-03-29T05:00:00.000Z'],
    [
      'end 01:30 does not exist: 00:15 GMT → 02:00 BST',
      'Europe/London',
      '00:00',
      '01:30',
      '2026-03-29T00:15:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
    ['end 01:30 does not exist: 02:00 BST is past it', 'Europe/London', '00:00', '01:30', '2026-03-29T01:00:00Z', null],
    [
      'end 01:00 (the gap start) does not exist: 00:59 GMT → 02:00 BST',
      'Europe/London',
      '23:00',
      '01:00',
      '2026-03-29T00:59:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
  ],
  'Europe/London, fall back 2026-10-25 (02:00 BST → 01:00 GMT at 01:00Z)': [
    ['23:30 BST 24 Oct → 06:00 GMT 25 Oct', 'Europe/London', '23:00', '06:00', '2026-10-24T22:30:00Z', '2026-10-25T06:00:00.000Z'],
    ['01:30 BST (first) → 06:00 GMT', 'Europe/London', '23:00', '06:00', '2026-10-25T00:30:00Z', '2026-10-25T06:00:00.000Z'],
    ['01:30 GMT (second) → 06:00 GMT', 'Europe/London', '23:00', '06:00', '2026-10-25T01:30:00Z', '2026-10-25T06:00:00.000Z'],
    [
      'end 01:30 happens twice: 00:30 BST → 01:30 BST',
      'Europe/London',
      '00:00',
      '01:30',
      '2026-10-24T23:30:00Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'end 01:30 happens twice: clock back at 01:10 GMT → 01:30 GMT',
      'Europe/London',
      '00:00',
      '01:30',
      '2026-10-25T01:10:00Z',
      '2026-10-25T01:30:00.000Z',
    ],
    ['end 01:30 happens twice: 01:45 BST is outside', 'Europe/London', '00:00', '01:30', '2026-10-25T00:45:00Z', null],
  ],
  'Asia/Kolkata (IST +05:30, no DST)': [
    [
      'exactly 21:30 IST (start) → 06:15 IST next day',
      'Asia/Kolkata',
      '21:30',
      '06:15',
      '2026-05-10T16:00:00Z',
      '2026-05-11T00:45:00.000Z',
    ],
    ['21:29 IST is not yet quiet', 'Asia/Kolkata', '21:30', '06:15', '2026-05-10T15:59:00Z', null],
    ['00:00 IST 11 May (18:30Z the day before)', 'Asia/Kolkata', '21:30', '06:15', '2026-05-10T18:30:00Z', '2026-05-11T00:45:00.000Z'],
    ['06:14:59 IST', 'Asia/Kolkata', '21:30', '06:15', '2026-05-11T00:44:59Z', '2026-05-11T00:45:00.000Z'],
    ['exactly 06:15 IST (end)', 'Asia/Kolkata', '21:30', '06:15', '2026-05-11T00:45:00Z', null],
    [
      '00:30 IST 11 May, window 22:00-07:00 → 07:00 IST 11 May',
      'Asia/Kolkata',
      '22:00',
      '07:00',
      '2026-05-10T19:00:00Z',
      '2026-05-11T01:30:00.000Z',
    ],
    [
      '00:30 IST 11 May, window 00:00-02:00 → 02:00 IST, still 10 May in UTC',
      'Asia/Kolkata',
      '00:00',
      '02:00',
      '2026-05-10T19:00:00Z',
      '2026-05-10T20:30:00.000Z',
    ],
    ['13:15 IST inside 13:00-14:30', 'Asia/Kolkata', '13:00', '14:30', '2026-05-10T07:45:00Z', '2026-05-10T09:00:00.000Z'],
    ['12:59 IST before 13:00-14:30', 'Asia/Kolkata', '13:00', '14:30', '2026-05-10T07:29:00Z', null],
    ['exactly 14:30 IST ends 13:00-14:30', 'Asia/Kolkata', '13:00', '14:30', '2026-05-10T09:00:00Z', null],
  ],
  'Pacific/Auckland (NZST +12:00, NZDT +13:00)': [
    [
      '22:30 NZDT 15 Jan → 07:00 NZDT 16 Jan, the same UTC day',
      'Pacific/Auckland',
      '22:00',
      '07:00',
      '2026-01-15T09:30:00Z',
      '2026-01-15T18:00:00.000Z',
    ],
    ['00:30 NZDT 16 Jan (15 Jan in UTC)', 'Pacific/Auckland', '22:00', '07:00', '2026-01-15T11:30:00Z', '2026-01-15T18:00:00.000Z'],
    ['exactly 22:00 NZDT (start)', 'Pacific/Auckland', '22:00', '07:00', '2026-01-15T09:00:00Z', '2026-01-15T18:00:00.000Z'],
    ['exactly 07:00 NZDT (end)', 'Pacific/Auckland', '22:00', '07:00', '2026-01-15T18:00:00Z', null],
    ['22:30 NZST 1 Jul → 07:00 NZST 2 Jul', 'Pacific/Auckland', '22:00', '07:00', '2026-07-01T10:30:00Z', '2026-07-01T19:00:00.000Z'],
    [
      'DST ends 5 Apr: 22:30 NZDT 4 Apr → 07:00 NZST 5 Apr',
      'Pacific/Auckland',
      '22:00',
      '07:00',
      '2026-04-04T09:30:00Z',
      '2026-04-04T19:00:00.000Z',
    ],
    [
      'DST starts 27 Sep: 22:30 NZST 26 Sep → 07:00 NZDT 27 Sep',
      'Pacific/Auckland',
      '22:00',
      '07:00',
      '2026-09-26T10:30:00Z',
      '2026-09-26T18:00:00.000Z',
    ],
    [
      'DST starts 27 Sep: end 02:30 does not exist → 03:00 NZDT',
      'Pacific/Auckland',
      '22:00',
      '02:30',
      '2026-09-26T13:00:00Z',
      '2026-09-26T14:00:00.000Z',
    ],
    // The clock falls back out of the window (03:00 NZDT → 02:00 NZST) and re-enters it at 02:30 NZST;
    // the end is still the wall-clock 03:30, as the window is defined by its end, not by the first exit.
    [
      'DST ends 5 Apr: 02:30 NZDT, window 02:30-03:30 → 03:30 NZST',
      'Pacific/Auckland',
      '02:30',
      '03:30',
      '2026-04-04T13:30:00Z',
      '2026-04-04T15:30:00.000Z',
    ],
    ['12:00 NZST is outside', 'Pacific/Auckland', '22:00', '07:00', '2026-07-01T00:00:00Z', null],
  ],
};

describe('domain/notifications/quiet-hours', () => {
  describe('isValidTimeOfDay', () => {
    for (const s of ['00:00', '07:00', '09:30', '12:00', '22:00', '23:59'])
      it(`accepts ${s}`, () => assert.equal(isValidTimeOfDay(s), true));
    for (const s of [
      '',
      '24:00',
      '23:60',
      '7:00',
      '07:0',
      '0700',
      '07:00:00',
      ' 07:00',
      '07:00 ',
      '-1:00',
      'ab:cd',
      '07.00',
      '１２:００',
    ]) {
      it(`refuses ${JSON.stringify(s)}`, () => assert.equal(isValidTimeOfDay(s), false));
    }
  });

  describe('isValidTimeZone', () => {
    for (const tz of ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Pacific/Auckland', 'Etc/GMT+5']) {
      it(`accepts ${tz}`, () => assert.equal(isValidTimeZone(tz), true));
    }
    for (const tz of ['Mars/Base', '', 'America/Nowhere', 'New York', '+05:30x']) {
      it(`refuses ${JSON.stringify(tz)}`, () => assert.equal(isValidTimeZone(tz), false));
    }
  });

  describe('quietHoursEnd', () => {
    it('is null when quiet hours are disabled, even inside the configured window', () => {
      assert.equal(endOf('2026-06-01T23:00:00Z', qh('UTC', '22:00', '07:00', false)), null);
    });

    it('treats start === end as an empty window, never quiet', () => {
      for (const hour of ['00', '06', '07', '12', '23']) {
        assert.equal(endOf(`2026-06-01T${hour}:00:00Z`, qh('UTC', '07:00', '07:00')), null);
      }
    });

    it('refuses a malformed start or end', () => {
      assert.throws(() => quietHoursEnd(new Date('2026-06-01T23:00:00Z'), qh('UTC', '25:00', '07:00')), RangeError);
      assert.throws(() => quietHoursEnd(new Date('2026-06-01T23:00:00Z'), qh('UTC', '22:00', '7')), RangeError);
    });

    it('refuses an unknown time zone', () => {
      assert.throws(() => quietHoursEnd(new Date('2026-06-01T23:00:00Z'), qh('Mars/Base', '22:00', '07:00')), /Mars\/Base/);
    });

    it('refuses an invalid date', () => {
      assert.throws(() => quietHoursEnd(new Date('nope'), qh('UTC', '22:00', '07:00')), RangeError);
    });

    it('does not look at a disabled window, however malformed', () => {
      assert.equal(quietHoursEnd(new Date('2026-06-01T23:00:00Z'), qh('Mars/Base', 'x', 'y', false)), null);
    });

    for (const [group, cases] of Object.entries(CASES)) {
      describe(group, () => {
        for (const [label, tz, start, end, now, expected] of cases) {
          it(`${start}-${end}: ${label}`, () => assert.equal(endOf(now, qh(tz, start, end)), expected));
        }
      });
    }

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
