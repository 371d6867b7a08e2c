import { Readable } from 'node:stream';
import type { Knex } from 'knex';

export interface CursorOptions<Row> {
  /** Rows per FETCH: one round trip each, and at most this many rows in memory at a time. */
  batchSize?: number;
  /** Turns one batch into the bytes the stream emits (called with at least one row). */
  format(rows: Row[]): string;
  /** Emitted first, even when no row matches (a CSV header). */
  head?: string;
}

/**
 * The rows of `query` as a byte stream read through a server-side cursor. The next batch is
 * fetched only when the consumer asks for more (Readable's own backpressure), so an export of any
 * size holds one batch in memory, and a slow client slows the fetching instead of filling the heap.
 *
 * The cursor lives in a read-only transaction on one pooled connection, held until the last row is
 * sent or the stream is destroyed (a client that goes away). The cursor is declared before this
 * resolves, so a query that cannot run fails the request instead of cutting a response short.
 */
export async function cursorStream<Row>(knex: Knex, query: Knex.QueryBuilder, opts: CursorOptions<Row>): Promise<Readable> {
  const batchSize = opts.batchSize ?? 500;
  const { sql, bindings } = query.toSQL();
  const trx = await knex.transaction({ readOnly: true });
  try {
    await trx.raw(`declare rows_cursor no scroll cursor for ${sql}`, bindings);
  } catch (err) {
    await trx.rollback().catch(() => undefined);
    throw err;
  }
  let ended = false;
  const end = (how: 'commit' | 'rollback') => {
    if (ended) return Promise.resolve();
    ended = true;
    return (how === 'commit' ? trx.commit() : trx.rollback()).then(
      () => undefined,
      () => undefined,
    );
  };
  let head = opts.head ?? '';
  return new Readable({
    // Node calls read() again only after it pushed, so one FETCH is in flight at a time.
    read() {
      void (async () => {
        try {
          const result = await trx.raw<{ rows: Row[] }>(`fetch ${batchSize} from rows_cursor`);
          const chunk = head + (result.rows.length ? opts.format(result.rows) : '');
          head = '';
          if (result.rows.length < batchSize) {
            await end('commit');
            if (chunk) this.push(chunk);
            this.push(null);
          } else {
            this.push(chunk);
          }
        } catch (err) {
          this.destroy(err as Error);
        }
      })();
    },
    destroy(err, callback) {
      void end('rollback').then(() => callback(err));
    },
  });
}
