/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl (pure: workflows import it).
 * A "wall" time is the local clock reading encoded as if it were UTC epoch ms.
 */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for an unknown zone, which is what callers should see. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `instant` (epoch ms), to the second. */
export function wallClock(instant: number, timeZone: string): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) {
    if (type in fields) fields[type as keyof typeof fields] = Number(value);
  }
  // Some engines have printed midnight as "24" despite h23; it still belongs to the day shown.
  return Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour % 24, fields.minute, fields.second);
}

/** UTC offset in ms at `instant` (positive east of Greenwich). */
export function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - Math.floor(instant / SECOND) * SECOND;
}

/**
 * The instant at which the wall clock in `timeZone` reads `wall`. A time shown twice (fall-back)
 * is its first occurrence; a time skipped by spring-forward is the transition itself, the first
 * instant whose clock reads later (the rule RFC 5545 and Temporal call "compatible").
 */
export function instantOfWall(wall: number, timeZone: string): number {
  // The offsets in force a day either side cover both sides of any transition near `wall`.
  const exact = [wall - DAY, wall, wall + DAY]
    .map((probe) => wall - offsetAt(probe, timeZone))
    .filter((candidate) => wallClock(candidate, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  let lo = wall - offsetAt(wall + DAY, timeZone);
  let hi = wall - offsetAt(wall - DAY, timeZone);
  if (!(lo < hi && wallClock(lo, timeZone) < wall && wallClock(hi, timeZone) > wall)) return hi;
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND;
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
