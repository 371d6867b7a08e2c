import { DAY, HOUR, MINUTE, instantOfWall, wallClock } from '../time-zones';
import { isValidTimeZone } from './quiet-hours';
import { DEFAULT_PREFERENCES } from './types';

/**
 * When each user's digest goes: one hourly run (on the hour, UTC) sends the digests of the users
 * whose own clock reaches the digest time (09:00) within that hour. Every offset in use is a
 * multiple of 15 minutes, so "within the hour" gives each local day exactly one run, also in zones
 * such as Asia/Kolkata (09:00 IST is 03:30 UTC: the 03:00 run) and on the days clocks change.
 */
export const DIGEST_RUN_PERIOD_MS = HOUR;

/** The quiet-hours zone a user has before they choose one (the column default). */
export const UNCHOSEN_QUIET_HOURS_ZONE = DEFAULT_PREFERENCES.quietHours.timezone;

export interface DigestZoneSources {
  quietHoursEnabled: boolean;
  quietHoursTimezone: string;
  /** users.timezone (PATCH /api/me), null until set. */
  profileTimezone: string | null;
}

/**
 * The zone whose 09:00 a user's digest follows: the zone of their notification preferences (the
 * quiet-hours zone) when they use quiet hours or chose it, else their profile zone, else the
 * deployment's default. An untouched quiet-hours zone says nothing: every user starts with "UTC".
 * The digest activity's SQL mirrors this rule (tested against it).
 */
export function digestTimeZone(s: DigestZoneSources, defaultZone: string): string {
  if (s.quietHoursEnabled || s.quietHoursTimezone !== UNCHOSEN_QUIET_HOURS_ZONE) return s.quietHoursTimezone;
  return s.profileTimezone ?? defaultZone;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The start of the run period `at` falls in: what a manual trigger at 13:20 stands for (the 13:00 run). */
export function digestRunStart(at: number): number {
  return Math.floor(at / DIGEST_RUN_PERIOD_MS) * DIGEST_RUN_PERIOD_MS;
}

const dayOf = (wall: number) => new Date(wall).toISOString().slice(0, 10);

/**
 * The local day (YYYY-MM-DD) whose digest the run starting at `runAt` sends in `timeZone`, or null
 * when the digest time ("HH:MM") falls in no day within [runAt, runAt + 1 h) there. A time the
 * clocks skip (spring-forward) counts at the transition, a time shown twice (fall-back) at its first
 * occurrence: one run either way. Throws RangeError for a malformed time or unknown zone.
 */
export function digestDueDay(runAt: number, timeZone: string, time: string): string | null {
  const m = TIME_OF_DAY.exec(time);
  if (m === null) throw new RangeError(`digest time must be "HH:MM", got ${JSON.stringify(time)}`);
  const timeOfDay = (Number(m[1]) * 60 + Number(m[2])) * MINUTE;
  const end = runAt + DIGEST_RUN_PERIOD_MS;
  // The local days the hour touches, and the one before (a transition can pull its time forward).
  const days = new Set([runAt - DAY, runAt, end].map((t) => Math.floor(wallClock(t, timeZone) / DAY) * DAY));
  for (const day of [...days].sort((a, b) => a - b)) {
    const at = instantOfWall(day + timeOfDay, timeZone);
    if (at >= runAt && at < end) return dayOf(day);
  }
  return null;
}

export interface DueZone {
  timeZone: string;
  /** The once-per-day key of this zone's users: their local date. */
  day: string;
}

/**
 * Of the zones users have, those whose digest is due in the run starting at `runAt`, and those no
 * rule can place (a zone this runtime does not know): reported, never guessed.
 */
export function dueDigestZones(runAt: number, zones: readonly string[], time: string): { due: DueZone[]; unknown: string[] } {
  const due: DueZone[] = [];
  const unknown: string[] = [];
  for (const timeZone of [...new Set(zones)].sort()) {
    if (!isValidTimeZone(timeZone)) {
      unknown.push(timeZone);
      continue;
    }
    const day = digestDueDay(runAt, timeZone, time);
    if (day !== null) due.push({ timeZone, day });
  }
  return { due, unknown };
}

/**
 * Whether a run that starts late still sends `day`'s digest in `timeZone`: only while it is still
 * that day there. A run held up past local midnight (a worker down all evening) sends nothing
 * rather than yesterday's digest on today's date.
 */
export function stillDigestDay(now: number, timeZone: string, day: string): boolean {
  return dayOf(wallClock(now, timeZone)) === day;
}

/** One page of an hourly run's recipients, as the workflow asks its activity for it. */
export interface DigestRecipientPage {
  /** The zones due in this run (as listed by the zones activity: the same spelling). */
  zones: string[];
  defaultZone: string;
  afterUserId: number;
  limit: number;
}

export interface DigestRecipient {
  userId: number;
  timeZone: string;
}
