import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Db } from '../../../src/db';
import { reserveSendSlots } from '../../../src/db/queries/send-rate';
import { slotInterval, slotsWithin } from '../../../src/domain/notifications/send-pacing';
import { freshPool } from '../../support/harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// timestamptz keeps microseconds; each reservation's end is rounded to one.
const EPS_MS = 0.01;

/**
 * Every worker takes its SES send times from this one schedule, so the quota holds only if no two
 * reservations ever get the same time, whatever their interleaving: checked against a model that
 * takes them one at a time, in the order the database served them.
 */
describe('db: SES send slots are handed out one interval apart, across any number of concurrent reservers', () => {
  let db: Db;
  before(async () => {
    db = await freshPool(8);
  });
  after(() => db?.destroy());

  it('concurrent reservations never overlap, leave no gap, and each takes what fits its horizon', async () => {
    const reserver = fc.record({
      wanted: fc.integer({ min: 0, max: 12 }),
      horizonMs: fc.integer({ min: 0, max: 1500 }),
      delayMs: fc.integer({ min: 0, max: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 200 }), fc.array(reserver, { minLength: 2, maxLength: 10 }), async (rate, reservers) => {
        await db.knex('send_rate_limits').delete();
        const intervalMs = slotInterval(rate);
        const got = await Promise.all(
          reservers.map(async (r) => {
            await sleep(r.delayMs);
            return { ...r, ...(await reserveSendSlots(db.knex, 'ses', r.wanted, intervalMs, r.horizonMs)) };
          }),
        );
        let end = Number.NEGATIVE_INFINITY;
        for (const g of got.filter((x) => x.count > 0).sort((a, b) => a.firstAt - b.firstAt)) {
          const expectedFirst = Math.max(end, g.reservedAt);
          assert.ok(Math.abs(g.firstAt - expectedFirst) < EPS_MS, `first slot at ${g.firstAt}, expected ${expectedFirst}`);
          end = g.firstAt + g.count * intervalMs;
        }
        for (const g of got) {
          assert.equal(g.count, slotsWithin(g.wanted, g.firstAt - g.reservedAt, intervalMs, g.horizonMs), JSON.stringify(g));
          assert.ok(Math.abs(g.firstInMs - (g.firstAt - g.reservedAt)) < EPS_MS);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a schedule a minute ahead gives nothing within a 30 s horizon, and takes nothing from the next reserver', async () => {
    await db.knex('send_rate_limits').delete();
    const first = await reserveSendSlots(db.knex, 'ses', 600, 100, 120_000);
    assert.equal(first.count, 600);
    const refused = await reserveSendSlots(db.knex, 'ses', 5, 100, 30_000);
    assert.equal(refused.count, 0);
    const next = await reserveSendSlots(db.knex, 'ses', 1, 100, 120_000);
    assert.ok(Math.abs(next.firstAt - (first.firstAt + 60_000)) < EPS_MS);
  });
});
