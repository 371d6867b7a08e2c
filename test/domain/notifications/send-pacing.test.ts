import assert from 'node:assert/strict';
import fc from 'fast-check';
import { claimGroups, slotInterval, slotOffsets, slotsWithin } from '../../../src/domain/notifications/send-pacing';

describe('domain/notifications/send-pacing: sends at the quota, claims just before their slot', () => {
  it('slots are one interval apart from the first, and never in the past', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 5000, noNaN: true }), fc.integer({ min: 1, max: 1000 }), fc.nat(200), (first, rate, count) => {
        const intervalMs = slotInterval(rate);
        const at = slotOffsets({ firstInMs: first, intervalMs, count });
        assert.equal(at.length, count);
        if (count > 0) assert.equal(at[0], Math.max(0, first));
        for (let i = 1; i < at.length; i++) assert.ok(Math.abs(at[i]! - at[i - 1]! - intervalMs) < 1e-6);
      }),
    );
  });

  it('at most the rate plus one start within any second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 400 }), (rate, count) => {
        const at = slotOffsets({ firstInMs: 0, intervalMs: slotInterval(rate), count });
        for (const t of at) assert.ok(at.filter((u) => u >= t && u < t + 1000).length <= rate + 1);
      }),
    );
  });

  it('claim groups cover every send once, in order, each within the window of its first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        (gaps, windowMs) => {
          const offsets: number[] = [];
          for (const g of gaps) offsets.push((offsets[offsets.length - 1] ?? 0) + g);
          const groups = claimGroups(offsets, windowMs);
          assert.deepEqual(
            groups.flat(),
            offsets.map((_, i) => i),
          );
          for (const g of groups) assert.ok(offsets[g[g.length - 1]!]! - offsets[g[0]!]! < windowMs);
          // Greedy: the next group's first send would not have fitted in the one before.
          for (let k = 1; k < groups.length; k++) assert.ok(offsets[groups[k]![0]!]! - offsets[groups[k - 1]![0]!]! >= windowMs);
        },
      ),
    );
  });

  it('takes exactly the wanted slots that start within the horizon', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 30_000, noNaN: true }),
        (wanted, backlog, rate, horizon) => {
          const intervalMs = slotInterval(rate);
          const n = slotsWithin(wanted, backlog, intervalMs, horizon);
          assert.ok(n >= 0 && n <= wanted);
          if (n > 0) assert.ok(backlog + (n - 1) * intervalMs <= horizon + 1e-6, 'the last slot taken starts within the horizon');
          if (n < wanted) assert.ok(backlog + n * intervalMs > horizon - 1e-6, 'the next slot would start after it');
        },
      ),
    );
  });

  it('a schedule free now gives its first slot at once; one a minute ahead gives none within 30 s', () => {
    assert.equal(slotsWithin(10, 0, 100, 0), 1);
    assert.equal(slotsWithin(10, 0, 100, 10_000), 10);
    assert.equal(slotsWithin(10, 60_000, 100, 30_000), 0);
    assert.equal(slotsWithin(10, 29_800, 100, 30_000), 3);
  });
});
