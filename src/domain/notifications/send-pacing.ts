/**
 * Pacing sends to a provider's per-second quota (SES): every sender, in every worker, takes its
 * send times from one shared schedule, one slot each, `1000 / perSecond` ms apart. A batch takes
 * its slots in one reservation and then claims each send only just before its slot, so a worker
 * that dies while waiting strands reserved time (a little throughput lost) but never a claim (an
 * email of unknown outcome, which is never sent again).
 */

/** What one reservation got: `count` slots, the first `firstInMs` from when it was made. */
export interface Reservation {
  firstInMs: number;
  intervalMs: number;
  count: number;
}

export const slotInterval = (perSecond: number): number => 1000 / perSecond;

/** When each reserved slot comes, in ms from the reservation. */
export const slotOffsets = ({ firstInMs, intervalMs, count }: Reservation): number[] =>
  Array.from({ length: count }, (_, i) => Math.max(0, firstInMs) + i * intervalMs);

/**
 * The sends claimed together: consecutive slots within `windowMs` of the group's first. A claim is
 * written at its group's first slot, so no claim is older than `windowMs` when its send starts.
 */
export function claimGroups(offsets: number[], windowMs: number): number[][] {
  const groups: number[][] = [];
  for (const [i, at] of offsets.entries()) {
    const current = groups[groups.length - 1];
    if (current && at - offsets[current[0]!]! < windowMs) current.push(i);
    else groups.push([i]);
  }
  return groups;
}

/**
 * How many of `wanted` slots start before `horizonMs` when the schedule is free from `backlogMs`
 * (0 when free now): the rest would start after the attempt could still send them.
 */
export function slotsWithin(wanted: number, backlogMs: number, intervalMs: number, horizonMs: number): number {
  const room = horizonMs - Math.max(0, backlogMs);
  if (room < 0) return 0;
  return Math.min(wanted, Math.floor(room / intervalMs) + 1);
}
