import { type QuietHours } from './types';
import { DAY, MINUTE, SECOND, offsetAt, wallClock } from '../time-zones';

// Local wall-clock times are handled as "wall milliseconds": the epoch milliseconds the wall clock
// would show if it were UTC. They have no DST, so calendar arithmetic on them is plain addition.

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isValidTimeOfDay(s: string): boolean {
  return typeof s === 'string' && TIME_OF_DAY.test(s);
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    wallClock(0, tz); // Intl refuses an unknown zone
    return true;
  } catch {
    return false;
  }
}

// Building a DateTimeFormat is far slower than using one, and a recipient's zone is asked about many times.
/**
 * Every instant at which the wall clock in `timeZone` reads `wall`, earliest first: one normally,
 * two in a fall-back overlap, none in a spring-forward gap.
 */
function instantsAt(wall: number, timeZone: string): number[] {
  const found = new Set<number>();
  // The offsets in force a day either side (and at the guess itself) cover both sides of any
  // transition near `wall`; each offset gives one candidate, kept only if it really maps back.
  for (const probe of [wall - DAY, wall, wall + DAY]) {
    const candidate = wall - offsetAt(probe, timeZone);
    if (wallClock(candidate, timeZone) === wall) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** For a wall time skipped by a spring-forward gap: the first instant whose wall clock is past it, i.e. the transition. */
function firstInstantAfterGap(wall: number, timeZone: string): number {
  let lo = wall - offsetAt(wall + DAY, timeZone);
  let hi = wall - offsetAt(wall - DAY, timeZone);
  if (!(lo < hi && wallClock(lo, timeZone) < wall && wallClock(hi, timeZone) > wall)) {
    // Not a gap this search understands (e.g. two transitions within a day); the pre-transition
    // offset is the conventional answer ("compatible" disambiguation).
    return hi;
  }
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND;
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function minutesOf(time: string, field: string): number {
  const m = TIME_OF_DAY.exec(time);
  if (m === null) throw new RangeError(`quiet hours ${field} must be "HH:MM" (00:00-23:59), got ${JSON.stringify(time)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * When the quiet-hours window that `now` falls in ends, or null if quiet hours are off or `now` is
 * outside the window. The window is [start, end) on the recipient's wall clock and crosses midnight
 * when end < start; start === end is an empty window.
 *
 * The end is `end` on the recipient's wall clock, converted with the offset in force then (not now),
 * so a window spanning a DST change ends at the right instant. An end skipped by spring-forward
 * resolves to the transition itself; an end that happens twice at fall-back resolves to its first
 * occurrence, unless `now` is already past that (the clock went back into the window), in which
 * case the second occurrence.
 *
 * Throws RangeError on a malformed start/end or an unknown time zone: preferences are validated when
 * saved, so one that is not is a bug to surface rather than a reason to send during quiet hours.
 */
export function quietHoursEnd(now: Date, qh: QuietHours): Date | null {
  if (!qh.enabled) return null;
  const start = minutesOf(qh.start, 'start') * MINUTE;
  const end = minutesOf(qh.end, 'end') * MINUTE;
  if (!isValidTimeZone(qh.timezone)) throw new RangeError(`unknown time zone ${JSON.stringify(qh.timezone)}`);
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('now is an invalid Date');
  if (start === end) return null;

  const wall = wallClock(nowMs, qh.timezone);
  const timeOfDay = ((wall % DAY) + DAY) % DAY;
  const midnight = wall - timeOfDay;

  let endDay: number;
  if (start < end) {
    if (timeOfDay < start || timeOfDay >= end) return null;
    endDay = midnight;
  } else if (timeOfDay >= start) {
    endDay = midnight + DAY;
  } else if (timeOfDay < end) {
    endDay = midnight;
  } else {
    return null;
  }

  const target = endDay + end;
  const candidates = instantsAt(target, qh.timezone);
  if (candidates.length === 0) return new Date(firstInstantAfterGap(target, qh.timezone));
  return new Date(candidates.find((t) => t > nowMs) ?? candidates[candidates.length - 1]!);
}
