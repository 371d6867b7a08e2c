import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Db } from '../../src/db';
import { cursorStream } from '../../src/db/queries/cursor';
import { eventually } from '../support/eventually';
import { freshDatabase } from '../support/harness';

describe('db: cursorStream (exports read through a server-side cursor)', () => {
  let db: Db;
  before(async () => {
    ({ db } = await freshDatabase());
  });
  after(() => db?.destroy());

  const numbers = (n: number) =>
    db.knex
      .select(db.knex.raw('g as n'))
      .from(db.knex.raw('generate_series(1, ?) g', [n]))
      .orderBy('g');
  const collect = async (stream: NodeJS.ReadableStream) => {
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text;
  };
  const inUse = () => (db.knex.client as { pool: { numUsed(): number } }).pool.numUsed();

  it('emits the head, then every row in order, in batches', async () => {
    const batches: number[] = [];
    const stream = await cursorStream<{ n: number }>(db.knex, numbers(1234), {
      batchSize: 100,
      head: 'n\n',
      format: (rows) => (batches.push(rows.length), rows.map((r) => `${r.n}\n`).join('')),
    });
    const lines = (await collect(stream)).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines[0], 'n');
    assert.deepEqual(
      lines.slice(1).map(Number),
      Array.from({ length: 1234 }, (_, i) => i + 1),
    );
    assert.deepEqual(batches, [...Array(12).fill(100), 34]);
    await eventually(() => Promise.resolve(inUse() === 0 ? true : undefined), 'the connection back in the pool');
  });

  it('emits the head alone when nothing matches', async () => {
    const stream = await cursorStream(db.knex, numbers(0), { head: 'n\n', format: () => 'never' });
    assert.equal(await collect(stream), 'n\n');
  });

  it('fetches only as fast as the consumer reads (backpressure)', async () => {
    let fetched = 0;
    const stream = await cursorStream<{ n: number }>(db.knex, numbers(5000), {
      batchSize: 100,
      // 100 rows of 1 kB: one batch is more than the stream buffers (16 kB), so it waits for a read.
      format: (rows) => ((fetched += rows.length), rows.map(() => `${'x'.repeat(999)}\n`).join('')),
    });
    stream.pause();
    stream.once('data', () => stream.pause());
    stream.resume();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(fetched <= 300, `${fetched} of 5000 rows fetched while the consumer read one chunk`);
    stream.resume();
    await once(stream, 'end');
    assert.equal(fetched, 5000);
  });

  it('ends its transaction and frees its connection when the consumer goes away mid-way', async () => {
    const stream = await cursorStream<{ n: number }>(db.knex, numbers(100_000), { batchSize: 100, format: (rows) => `${rows.length}\n` });
    await once(stream, 'readable');
    assert.equal(inUse(), 1);
    stream.destroy();
    await eventually(() => Promise.resolve(inUse() === 0 ? true : undefined), 'the connection back in the pool');
    const open = await db
      .knex('pg_stat_activity')
      .where('datname', db.knex.raw('current_database()'))
      .where('state', 'like', 'idle in transaction%')
      .count({ n: '*' });
    assert.equal(Number(open[0]?.n), 0, 'no transaction left open');
  });

  it('fails before streaming when the query cannot run, freeing the connection', async () => {
    await assert.rejects(cursorStream(db.knex, db.knex('no_such_table'), { format: () => '' }), /no_such_table/);
    await eventually(() => Promise.resolve(inUse() === 0 ? true : undefined), 'the connection back in the pool');
  });
});
