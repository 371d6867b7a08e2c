import assert from 'node:assert/strict';
import { expectAccess } from './access';
import { csvRecords, insertRepairs, parseCsv, startFleetWorld, type FleetWorld } from './fleet-fixtures';

const HEADER = [
  'id',
  'customerId',
  'technicianId',
  'unitNumber',
  'description',
  'damageType',
  'status',
  'estimatedCost',
  'cost',
  'discountedCost',
  'denialReason',
  'batchId',
  'workflowId',
  'createdAt',
  'updatedAt',
  'startedAt',
  'completedAt',
  'completionNotes',
];

describe('api: GET /api/repairs.csv', () => {
  let w: FleetWorld;
  const r: Record<string, number> = {};

  const csv = async (query: string, token = w.tokens.admin) => {
    const res = await w.h.request('GET', `/api/repairs.csv?${query}`, { token });
    assert.equal(res.status, 200, `${query}: ${String(res.body)}`);
    return { text: res.body as string, headers: res.headers };
  };
  const idsOf = async (query: string, token?: string) => csvRecords((await csv(query, token)).text).map((row) => Number(row.id));

  before(async () => {
    w = await startFleetWorld();
    const { fleetA, fleetB, tech1, tech2, admin } = w.ids;
    const rows = [
      { customerId: fleetA, unitNumber: 'A-1', status: 'REQUESTED', description: 'plain' },
      {
        customerId: fleetA,
        unitNumber: 'A-2',
        status: 'PENDING',
        technicianId: tech1,
        description: 'has, a comma and "quotes"\r\nand a line',
      },
      {
        customerId: fleetA,
        unitNumber: '=1+2',
        status: 'COMPLETED',
        technicianId: tech2,
        description: '+SUM(A1:A9)',
        cost: 40,
        discountedCost: 30.5,
      },
      {
        customerId: fleetA,
        unitNumber: '@A-4',
        status: 'APPROVED',
        technicianId: tech2,
        description: '-2+3',
        batchId: '-lot',
        damageType: '=cmd|"/c calc"!A0',
      },
      { customerId: fleetB, unitNumber: 'B-1', status: 'REQUESTED', technicianId: null, description: 'fleet B, requested' },
      { customerId: fleetB, unitNumber: 'B-2', status: 'IN_PROGRESS', technicianId: tech1, description: 'fleet B, tech1' },
      { customerId: fleetB, unitNumber: 'B-3', status: 'DENIED', technicianId: tech2, description: 'fleet B, tech2' },
    ] as const;
    const ids = await insertRepairs(w.h.db, admin, rows);
    ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3'].forEach((k, i) => (r[k] = ids[i] as number));
  });
  after(() => w?.h.close());

  it('answers every role, and 401 without a token (not taken for /repairs/:id)', async () => {
    await expectAccess(
      w.h,
      w.tokens,
      { method: 'GET', path: '/api/repairs.csv' },
      { none: 401, customer: 200, technician: 200, admin: 200 },
    );
  });

  it('is text/csv with a header row of the repair fields, CRLF lines, as an attachment', async () => {
    const { text, headers } = await csv('');
    assert.match(headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(headers.get('content-disposition') ?? '', /attachment; filename="repairs.csv"/);
    assert.match(headers.get('cache-control') ?? '', /no-store/);
    assert.ok(text.startsWith(`${HEADER.join(',')}\r\n`));
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header, HEADER);
    assert.equal(rows.length, 7);
    for (const row of rows) assert.equal(row.length, HEADER.length);
    const none = await csv('q=nothing-matches');
    assert.equal(none.text, `${HEADER.join(',')}\r\n`, 'a header even when nothing matches');
  });

  it('writes the values as the API does: ids, money to the cent, ISO instants, empty for null', async () => {
    const stored = await w.h.db.models.Repair.query().findById(r.a3!);
    const row = csvRecords((await csv(`q=${encodeURIComponent('SUM(')}`)).text)[0]!;
    assert.equal(row.id, String(r.a3));
    assert.equal(row.customerId, String(w.ids.fleetA));
    assert.equal(row.technicianId, String(w.ids.tech2));
    assert.deepEqual([row.cost, row.discountedCost, row.estimatedCost, row.denialReason], ['40.00', '30.50', '', '']);
    assert.equal(row.workflowId, stored!.workflowId);
    assert.equal(row.createdAt, stored!.createdAt.toISOString());
  });

  it('quotes by RFC 4180 and neutralises cells a spreadsheet would run as formulas', async () => {
    const { text } = await csv('sort=id');
    assert.ok(text.includes('"has, a comma and ""quotes""\r\nand a line"'), 'quoted, quotes doubled, line break kept');
    const rows = new Map(csvRecords(text).map((row) => [Number(row.id), row]));
    assert.equal(rows.get(r.a2!)!.description, 'has, a comma and "quotes"\r\nand a line');
    assert.deepEqual([rows.get(r.a3!)!.unitNumber, rows.get(r.a3!)!.description], ["'=1+2", "'+SUM(A1:A9)"]);
    const a4 = rows.get(r.a4!)!;
    assert.deepEqual([a4.unitNumber, a4.description, a4.batchId, a4.damageType], ["'@A-4", "'-2+3", "'-lot", '\'=cmd|"/c calc"!A0']);
    assert.ok(text.includes(`,"'=cmd|""/c calc""!A0",`), 'neutralised, then quoted');
    assert.equal(rows.get(r.a1!)!.description, 'plain');
  });

  it("gives a customer their own fleet's rows only, whatever the filters", async () => {
    const mine = [r.a4, r.a3, r.a2, r.a1];
    assert.deepEqual(await idsOf('', w.tokens.customer), mine);
    assert.deepEqual(await idsOf(`customerId=${w.ids.fleetB}`, w.tokens.customer), []);
    assert.deepEqual(await idsOf('q=fleet%20B', w.tokens.customer), []);
    assert.deepEqual(await idsOf('status=REQUESTED', w.tokens.bob), [r.b1]);
    const bobs = csvRecords((await csv('', w.tokens.bob)).text);
    assert.deepEqual(new Set(bobs.map((row) => row.customerId)), new Set([String(w.ids.fleetB)]));
  });

  it('gives a technician every REQUESTED repair plus their own', async () => {
    assert.deepEqual(await idsOf('', w.tokens.technician), [r.b2, r.b1, r.a2, r.a1]);
    assert.deepEqual(await idsOf('', w.tokens.tech2), [r.b3, r.b1, r.a4, r.a3, r.a1]);
    assert.deepEqual(await idsOf(`technicianId=${w.ids.tech2}`, w.tokens.technician), []);
    assert.deepEqual(await idsOf(`customerId=${w.ids.fleetB}`, w.tokens.technician), [r.b2, r.b1]);
  });

  it("applies the list's filters and sort", async () => {
    assert.deepEqual(await idsOf(`customerId=${w.ids.fleetB}&sort=unitNumber`), [r.b1, r.b2, r.b3]);
    assert.deepEqual(await idsOf('batchId=-lot'), [r.a4]);
    assert.deepEqual(await idsOf(`technicianId=${w.ids.tech1}`), [r.b2, r.a2]);
    assert.deepEqual(await idsOf('createdFrom=2000-01-01T00:00:00Z&createdTo=2000-01-02T00:00:00Z'), []);
  });

  it('streams every row of a large export (5,000), not one page', async () => {
    const fleetC = (await w.h.db.models.Customer.query().insert({ name: 'Fleet C' })).id;
    const many = Array.from({ length: 5000 }, (_, i) => ({
      customerId: fleetC,
      unitNumber: `C-${i % 250}`,
      status: 'COMPLETED' as const,
      description: `bulk ${i}`,
    }));
    for (let i = 0; i < many.length; i += 1000) await insertRepairs(w.h.db, w.ids.admin, many.slice(i, i + 1000));
    const { text } = await csv(`customerId=${fleetC}`);
    const lines = text.split('\r\n');
    assert.equal(lines.pop(), '', 'ends with a line break');
    assert.equal(lines.length, 5001, 'the header and every row');
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    assert.equal(new Set(ids).size, 5000);
    assert.deepEqual(ids.slice(0, 2), [...ids].sort((a, b) => b - a).slice(0, 2), 'newest first');
  });

  it('is documented in OpenAPI as text/csv with the filters', async () => {
    const op = (await w.h.request('GET', '/api/openapi.json')).body.paths['/api/repairs.csv'].get;
    assert.ok(op.responses['200'].content['text/csv']);
    const params = (op.parameters as { name: string }[]).map((p) => p.name);
    for (const name of ['customerId', 'technicianId', 'batchId', 'createdFrom', 'createdTo', 'q', 'sort'])
      assert.ok(params.includes(name), name);
    assert.ok(!params.includes('page'), 'no paging');
  });
});
