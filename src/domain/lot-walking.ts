import { z } from 'zod';
import { DAY, MINUTE, offsetAt, wallClock } from './time-zones';

/**
 * Lot walking: a technician walks a customer's lot looking for damage to repair. Customers say
 * whether they want it, how often, on which weekdays and at what time. This module is pure: the
 * rules for a valid preference and for when the next walk falls, with no I/O.
 */

export const FREQUENCIES = ['WEEKLY', 'BIWEEKLY', 'MONTHLY', 'QUARTERLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** ISO order (Monday first): saved days are kept in this order, whatever order they were sent in. */
export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The same rule as the table's check constraint. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface LotWalkingPreferences {
  lotWalkingEnabled: boolean;
  frequency: Frequency;
  days: Weekday[];
  time: string;
}

/** What a customer who never saved preferences has (and the table's column defaults). */
export const LOT_WALKING_DEFAULTS: Readonly<LotWalkingPreferences> = Object.freeze({
  lotWalkingEnabled: false,
  frequency: 'MONTHLY',
  days: [],
  time: '09:00',
});

const weekday = z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` });

/**
 * The full preferences object (PUT replaces it whole, so every field is required). Days must be
 * unique and, when lot walking is on, there must be at least one: an enabled walk with no day
 * could never happen. A disabled preference may keep its days so re-enabling restores them.
 */
export const lotWalkingPreferencesSchema = z
  .object({
    lotWalkingEnabled: z.boolean(),
    frequency: z.enum(FREQUENCIES, { error: `must be one of ${FREQUENCIES.join(', ')}` }),
    days: z.array(weekday).superRefine(
      (days, ctx) => {
        // Each repeat is named by its index, so a client can point at the entry to remove.
        days.forEach((d, i) => {
          if (days.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `repeats ${d}` });
        });
      },
      // Also when another entry is not a weekday (the entries are then not all typed, but indexOf
      // only compares), so one response lists every problem with the days.
      { when: (payload) => Array.isArray(payload.value) },
    ),
    time: z.string().regex(TIME_OF_DAY, 'must be a time HH:MM (00:00-23:59)'),
  })
  .superRefine(
    (v, ctx) => {
      if (v.lotWalkingEnabled === true && Array.isArray(v.days) && v.days.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['days'], message: 'must have at least one day when lot walking is enabled' });
      }
    },
    // Also when other fields are wrong (hence the runtime checks), so every problem is reported at once.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .transform((v): LotWalkingPreferences => ({
    lotWalkingEnabled: v.lotWalkingEnabled,
    frequency: v.frequency,
    days: WEEKDAYS.filter((d) => v.days.includes(d)),
    time: v.time,
  }));

// ---- time arithmetic --------------------------------------------------------------------------
// Local times are handled as "wall milliseconds": the epoch ms the local wall clock would show if
// it were UTC. They have no DST, so adding days or months to them is plain calendar arithmetic.
const startOfWallDay = (wall: number): number => wall - (((wall % DAY) + DAY) % DAY);

/**
 * The instant at which the wall clock reads `wall`. Twice at a fall-back: the first. Never in a
 * spring-forward gap: the offset from before the jump is used, so 02:30 on a night that skips
 * 02:00-03:00 becomes 03:30 (a walk late rather than early).
 */
function toInstant(wall: number, timeZone: string): number {
  const before = wall - offsetAt(wall - DAY, timeZone);
  const after = wall - offsetAt(wall + DAY, timeZone);
  const exact = [before, after].filter((t) => wallClock(t, timeZone) === wall);
  return exact.length > 0 ? Math.min(...exact) : before;
}

/** A wall midnight `months` calendar months later; a day the target month lacks becomes its last day. */
function addMonths(wallMidnight: number, months: number): number {
  const d = new Date(wallMidnight);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay));
}

/** Monday = 0 … Sunday = 6, the index into WEEKDAYS. */
const weekdayIndex = (wallMidnight: number): number => (new Date(wallMidnight).getUTCDay() + 6) % 7;

/**
 * When the next lot walk should be, or null when lot walking is off (or has no day).
 *
 * The rule, on the wall clock of `timezone`:
 * - A walk happens on one of the preferred days, at the preferred time, on or after `from`.
 * - WEEKLY: every preferred day of every week, so simply the next preferred day+time (`lastWalk`
 *   is ignored: with two days a week the walks are 3-4 days apart, by design).
 * - BIWEEKLY / MONTHLY / QUARTERLY with `lastWalk`: the first preferred day whose date is at least
 *   14 days / 1 calendar month / 3 calendar months after the date of `lastWalk` (and still on or
 *   after `from`). Calendar months keep the day of the month, clamped to the month's end: a walk
 *   on 31 January makes 28 (or 29) February the earliest date for the next MONTHLY one.
 * - Without `lastWalk` (no walk yet) every frequency gives the next preferred day+time.
 *
 * Throws RangeError for an invalid date, time or time zone: saved preferences are validated, so
 * a bad one here is a bug to surface, not a walk to silently skip.
 */
export function nextLotWalk(prefs: LotWalkingPreferences, from: Date, timezone = 'UTC', lastWalk?: Date | null): Date | null {
  if (!prefs.lotWalkingEnabled) return null;
  const time = TIME_OF_DAY.exec(prefs.time);
  if (time === null) throw new RangeError(`time must be "HH:MM" (00:00-23:59), got ${JSON.stringify(prefs.time)}`);
  const fromMs = from.getTime();
  if (Number.isNaN(fromMs)) throw new RangeError('from is an invalid Date');
  if (lastWalk && Number.isNaN(lastWalk.getTime())) throw new RangeError('lastWalk is an invalid Date');
  const wanted = new Set(prefs.days.map((d) => WEEKDAYS.indexOf(d)));
  wanted.delete(-1);
  if (wanted.size === 0) return null;

  let earliestDay = startOfWallDay(wallClock(fromMs, timezone));
  if (lastWalk && prefs.frequency !== 'WEEKLY') {
    const lastDay = startOfWallDay(wallClock(lastWalk.getTime(), timezone));
    const gapEnd = prefs.frequency === 'BIWEEKLY' ? lastDay + 14 * DAY : addMonths(lastDay, prefs.frequency === 'MONTHLY' ? 1 : 3);
    earliestDay = Math.max(earliestDay, gapEnd);
  }

  const timeOfDay = (Number(time[1]) * 60 + Number(time[2])) * MINUTE;
  // Eight days: the first day's time may already have passed, and the eighth is its weekday again.
  for (let i = 0; i <= 7; i++) {
    const day = earliestDay + i * DAY;
    if (!wanted.has(weekdayIndex(day))) continue;
    const at = toInstant(day + timeOfDay, timezone);
    if (at >= fromMs) return new Date(at);
  }
  throw new Error('unreachable: a preferred weekday occurs within any eight days');
}
