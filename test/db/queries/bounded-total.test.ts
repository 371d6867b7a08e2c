import assert from 'node:assert/strict';
import type { Db } from '../../../src/db';
import { boundedTotal, EXACT_TOTAL_UP_TO } from '../../../src/db/queries/bounded-total';
import { freshDatabase } from '../../support/harness';

describe('db: boundedTotal (a search total counted only so far)', () => {
  let db: Db;
  before(async () => {
    ({ db } = await freshDatabase());
  });
  after(() => db?.destroy());

  // generate_series: PostgreSQL knows its row count exactly, so the estimate can be checked.
  const rows = (n: number) =>
    db.knex
      .select(db.knex.raw('g as n'))
      .from(db.knex.raw('generate_series(1, ?) g', [n]))
      .orderBy('g');

  it('counts exactly up to the bound, order and all', async () => {
    assert.deepEqual(await boundedTotal(db.knex, rows(0)), { total: 0, exact: true });
    assert.deepEqual(await boundedTotal(db.knex, rows(37)), { total: 37, exact: true });
    assert.deepEqual(await boundedTotal(db.knex, rows(EXACT_TOTAL_UP_TO)), { total: EXACT_TOTAL_UP_TO, exact: true });
    const filtered = rows(100).where(db.knex.raw('g % 3 = 0'));
    assert.deepEqual(await boundedTotal(db.knex, filtered), { total: 33, exact: true });
  });

  it('past the bound answers the estimate, never below what it counted, and says so', async () => {
    assert.deepEqual(await boundedTotal(db.knex, rows(EXACT_TOTAL_UP_TO + 1)), { total: EXACT_TOTAL_UP_TO + 1, exact: false });
    assert.deepEqual(await boundedTotal(db.knex, rows(250_000)), { total: 250_000, exact: false });
  });

  it('counts a real table with bindings in its filters', async () => {
    await db.knex('customers').insert(Array.from({ length: 12 }, (_, i) => ({ name: `Fleet ${i % 4}` })));
    const q = db.models.Customer.query().where('name', 'Fleet 1').orderBy('id', 'desc');
    assert.deepEqual(await boundedTotal(db.knex, q.toKnexQuery()), { total: 3, exact: true });
  });
});
