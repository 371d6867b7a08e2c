import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Db } from '../../../src/db';
import { announce } from '../../../src/db/queries/live-events';
import { freshPool } from '../../support/harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Writer {
  /** Delay before it announces, then before it ends. */
  before: number;
  after: number;
  commits: boolean;
}

/**
 * A resuming client reads `id > last` and moves `last` to the highest id it saw. That is
 * gap-free only if no event commits after one with a higher id, which is what announce promises.
 */
describe('db: live events commit in the order of their ids (so Last-Event-ID resumes without a gap)', () => {
  let db: Db;
  before(async () => {
    db = await freshPool(8);
  });
  after(() => db?.destroy());

  it('a polling reader that only moves forward misses no committed event, under any interleaving of writers', async () => {
    const writer = fc.record({ before: fc.integer({ min: 0, max: 15 }), after: fc.integer({ min: 0, max: 25 }), commits: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(writer, { minLength: 2, maxLength: 5 }), async (writers: Writer[]) => {
        const start = Number((await db.knex('live_events').max<{ max: string | null }[]>('id as max'))[0]!.max ?? 0);
        let last = start;
        const seen = new Set<number>();
        let writing = true;
        const reader = (async () => {
          while (writing) {
            const rows = await db.knex('live_events').where('id', '>', last).orderBy('id').select<{ id: string }[]>('id');
            for (const r of rows) {
              seen.add(Number(r.id));
              last = Math.max(last, Number(r.id));
            }
            await sleep(1);
          }
        })();
        await Promise.all(
          writers.map((w) =>
            db.knex
              .transaction(async (trx) => {
                await sleep(w.before);
                await announce(trx, [{ type: 'notification', userId: null, payload: { w } }]);
                await sleep(w.after);
                if (!w.commits) throw new Error('rolled back');
              })
              .catch((err: Error) => assert.equal(err.message, 'rolled back')),
          ),
        );
        writing = false;
        await reader;
        const committed = (await db.knex('live_events').where('id', '>', start).select<{ id: string }[]>('id')).map((r) => Number(r.id));
        const missed = committed.filter((id) => !seen.has(id) && id <= last);
        assert.deepEqual(missed, [], `behind the reader's position ${last} and never read`);
        assert.equal(committed.length, writers.filter((w) => w.commits).length);
      }),
      { numRuns: 40 },
    );
  });
});
