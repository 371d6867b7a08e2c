import assert from 'node:assert/strict';
import { isValidTimeOfDay, isValidTimeZone, quietHoursEnd } from '../../../src/domain/notifications/quiet-hours';
import { describeCases, endOf, qh, type Case } from './quiet-hours-fixtures';

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

    describeCases(CASES);
  });
});
