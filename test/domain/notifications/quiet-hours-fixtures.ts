import assert from 'node:assert/strict';
import { quietHoursEnd } from '../../../src/domain/notifications/quiet-hours';
import { type QuietHours } from '../../../src/domain/notifications/types';

/** Shared by the quiet-hours tests, split by zone, so that every zone's table is built and run the same way. */

export const qh = (timezone: string, start: string, end: string, enabled = true): QuietHours => ({ enabled, start, end, timezone });

export const endOf = (now: string, quiet: QuietHours) => quietHoursEnd(new Date(now), quiet)?.toISOString() ?? null;

/** [label, zone, start, end, now (UTC), expected end (UTC) or null]. Local times in the labels were worked out by hand. */
export type Case = [string, string, string, string, string, string | null];

export function describeCases(groups: Record<string, Case[]>): void {
  for (const [group, cases] of Object.entries(groups)) {
    describe(group, () => {
      for (const [label, tz, start, end, now, expected] of cases) {
        it(`${start}-${end}: ${label}`, () => assert.equal(endOf(now, qh(tz, start, end)), expected));
      }
    });
  }
}
