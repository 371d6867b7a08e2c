import assert from 'node:assert/strict';
import { expectAccess } from './access';
import { insertRepairs, startFleetWorld, type FleetWorld } from './fleet-fixtures';

/**
 * GET /api/repairs filters and sort. Each filter is checked against rows it must leave out, so a
 * filter that were ignored would fail; every filter is AND-ed with the caller's visibility.
 */
describe('api: the repair list as a fleet view (filters, search, sort)', () => {
  let w: FleetWorld;
  const r: Record<string, number> = {};

  const list = async (query: string, token = w.tokens.admin) => {
    const res = await w.h.request('GET', `/api/repairs?pageSize=100&${query}`, { token });
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
    return res.body as { items: { id: number; assignedToMe?: boolean }[]; total: number };
  };
  /** The names (keys of r) of the repairs a query returns, in order. */
  const names = async (query: string, token?: string) => {
    const byId = new Map(Object.entries(r).map(([k, v]) => [v, k]));
    return (await list(query, token)).items.map((i) => byId.get(i.id) ?? `#${i.id}`);
  };
  const bad = async (query: string, path = '/api/repairs') => {
    const res = await w.h.request('GET', `${path}?${query}`, { token: w.tokens.admin });
    assert.equal(res.status, 400, `${query}: ${res.status}`);
    return res.body.error.fields as Record<string, string>;
  };

  before(async () => {
    w = await startFleetWorld();
    const { fleetA, fleetB, tech1, tech2, admin } = w.ids;
    const rows = {
      a1: {
        customerId: fleetA,
        unitNumber: 'TRK-100',
        status: 'REQUESTED',
        description: 'Chip on the left',
        createdAt: '2026-11-01T08:00:00Z',
      },
      a2: {
        customerId: fleetA,
        unitNumber: 'TRK-200',
        status: 'PENDING',
        technicianId: tech1,
        batchId: 'lot-7',
        createdAt: '2026-11-02T08:00:00Z',
      },
      a3: {
        customerId: fleetA,
        unitNumber: 'VAN-1',
        status: 'COMPLETED',
        technicianId: tech2,
        description: '100% cracked',
        createdAt: '2026-11-03T08:00:00Z',
      },
      a4: {
        customerId: fleetA,
        unitNumber: 'van_2',
        status: 'APPROVED',
        technicianId: tech2,
        batchId: 'lot-7',
        createdAt: '2026-11-04T08:00:00Z',
      },
      b1: {
        customerId: fleetB,
        unitNumber: 'BUS-9',
        status: 'REQUESTED',
        technicianId: tech2,
        description: 'star break',
        createdAt: '2026-11-05T08:00:00Z',
      },
      b2: {
        customerId: fleetB,
        unitNumber: 'TRK-100',
        status: 'IN_PROGRESS',
        technicianId: tech1,
        batchId: 'lot-8',
        createdAt: '2026-11-06T08:00:00Z',
      },
      b3: { customerId: fleetB, unitNumber: 'BUS-3', status: 'DENIED', technicianId: tech2, createdAt: '2026-11-07T08:00:00Z' },
    } as const;
    const ids = await insertRepairs(w.h.db, admin, Object.values(rows));
    Object.keys(rows).forEach((k, i) => (r[k] = ids[i] as number));
    // updatedAt in another order than createdAt, so the two sorts can be told apart.
    await w.h.db.knex('repairs').where('id', r.a1).update({ updated_at: '2026-11-20T00:00:00Z' });
    await w.h.db.knex('repairs').where('id', r.b3).update({ updated_at: '2026-11-08T00:00:00Z' });
  });
  after(() => w?.h.close());

  it('answers every role, and 401 without a token', async () => {
    const all = { none: 401, customer: 200, technician: 200, admin: 200 };
    await expectAccess(w.h, w.tokens, { method: 'GET', path: '/api/repairs?q=trk&sort=-createdAt' }, all);
  });

  it('keeps the default order (newest id first) and the page shape', async () => {
    const res = await list('');
    assert.deepEqual(Object.keys(res).sort(), ['items', 'page', 'pageSize', 'total']);
    assert.deepEqual(await names(''), ['b3', 'b2', 'b1', 'a4', 'a3', 'a2', 'a1']);
    const p2 = await w.h.request('GET', '/api/repairs?pageSize=3&page=2', { token: w.tokens.admin });
    assert.deepEqual([p2.body.page, p2.body.pageSize, p2.body.total, p2.body.items.length], [2, 3, 7, 3]);
  });

  it('filters by customerId, technicianId and batchId', async () => {
    assert.deepEqual(await names(`customerId=${w.ids.fleetB}`), ['b3', 'b2', 'b1']);
    assert.deepEqual(await names(`technicianId=${w.ids.tech1}`), ['b2', 'a2']);
    assert.deepEqual(await names('batchId=lot-7'), ['a4', 'a2']);
    assert.deepEqual(await names(`batchId=lot-7&technicianId=${w.ids.tech2}`), ['a4'], 'filters combine');
    assert.deepEqual(await names('batchId=lot-99'), []);
  });

  it('filters by createdFrom and createdTo, both ends included, with any offset', async () => {
    assert.deepEqual(await names('createdFrom=2026-11-06T08:00:00Z'), ['b3', 'b2']);
    assert.deepEqual(await names('createdTo=2026-11-02T08:00:00Z'), ['a2', 'a1']);
    assert.deepEqual(await names('createdFrom=2026-11-03T09:00:00%2B01:00&createdTo=2026-11-04T08:00:00.000Z'), ['a4', 'a3']);
  });

  it('searches unit number and description by q, in any case, with % and _ as plain characters', async () => {
    assert.deepEqual(await names('q=trk-1'), ['b2', 'a1'], 'unit number, either fleet');
    assert.deepEqual(await names('q=LEFT'), ['a1'], 'description, any case');
    assert.deepEqual(await names('q=100%25'), ['a3'], '"100%" is not "100" followed by anything (TRK-100)');
    assert.deepEqual(await names('q=n_2'), ['a4'], 'an _ matches "_" only');
    assert.deepEqual(await names('q=n_1'), [], 'not VAN-1');
    assert.deepEqual(await names('q=%20%20star%20'), ['b1'], 'trimmed');
  });

  it('sorts by createdAt, updatedAt, unitNumber and status, either way, ties by id', async () => {
    assert.deepEqual(await names('sort=createdAt'), ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3']);
    assert.deepEqual(await names('sort=-createdAt&customerId=' + w.ids.fleetA), ['a4', 'a3', 'a2', 'a1']);
    assert.deepEqual((await names('sort=-updatedAt')).slice(0, 2), ['a1', 'b3']);
    assert.deepEqual((await names('sort=updatedAt')).at(-1), 'a1');
    // TRK-100 twice: the tie goes by id, in the sort's direction.
    const byUnit = await names('sort=unitNumber&q=trk');
    assert.deepEqual(byUnit, ['a1', 'b2', 'a2']);
    assert.deepEqual(await names('sort=-unitNumber&q=trk'), ['a2', 'b2', 'a1']);
    assert.deepEqual(await names('sort=status&customerId=' + w.ids.fleetB), ['b3', 'b2', 'b1'], 'DENIED, IN_PROGRESS, REQUESTED');
    assert.deepEqual(await names('sort=-id'), await names(''));
  });

  it('narrows, never widens, what a customer may see', async () => {
    assert.deepEqual(await names('', w.tokens.customer), ['a4', 'a3', 'a2', 'a1']);
    assert.deepEqual(await names(`customerId=${w.ids.fleetA}`, w.tokens.customer), ['a4', 'a3', 'a2', 'a1']);
    const other = await list(`customerId=${w.ids.fleetB}`, w.tokens.customer);
    assert.deepEqual([other.items, other.total], [[], 0], "another fleet's id finds nothing, as any filter matching nothing");
    assert.deepEqual(await names('q=trk-100', w.tokens.customer), ['a1'], "not fleet B's TRK-100");
    assert.deepEqual(await names(`technicianId=${w.ids.tech1}`, w.tokens.customer), ['a2']);
  });

  it('narrows, never widens, what a technician may see (every REQUESTED one plus their own)', async () => {
    assert.deepEqual(await names('', w.tokens.technician), ['b2', 'b1', 'a2', 'a1']);
    const own = await list('', w.tokens.technician);
    assert.deepEqual(
      own.items.map((i) => i.assignedToMe),
      [true, false, true, false],
    );
    assert.deepEqual(await names(`technicianId=${w.ids.tech2}`, w.tokens.technician), ['b1'], "tech2's REQUESTED one only");
    assert.deepEqual(await names(`customerId=${w.ids.fleetB}`, w.tokens.technician), ['b2', 'b1']);
    assert.deepEqual(await names('q=van', w.tokens.technician), [], "VAN-1 and van_2 are tech2's, not REQUESTED");
    assert.deepEqual(await names('', w.tokens.tech2), ['b3', 'b1', 'a4', 'a3', 'a1']);
  });

  it('counts in total what it lists, for every role and filter (a REQUESTED repair of the technician once)', async () => {
    const queries = [
      '',
      'status=REQUESTED',
      'status=PENDING',
      `technicianId=${w.ids.tech2}`,
      `customerId=${w.ids.fleetB}`,
      'q=trk',
      'batchId=lot-7',
    ];
    for (const token of [w.tokens.admin, w.tokens.customer, w.tokens.technician, w.tokens.tech2]) {
      for (const q of queries) {
        const res = await list(q, token);
        assert.equal(res.total, res.items.length, `${q}: total ${res.total}, ${res.items.length} listed`);
      }
    }
    // b1 is REQUESTED and tech2's own: counted once in each of its two parts would make 6.
    assert.equal((await list('', w.tokens.tech2)).total, 5);
  });

  it('refuses bad filters with a 400 naming the field, for the list and the CSV alike', async () => {
    for (const path of ['/api/repairs', '/api/repairs.csv']) {
      assert.deepEqual(await bad('createdFrom=2026-11-05T00:00:00Z&createdTo=2026-11-01T00:00:00Z', path), {
        createdFrom: 'must not be after createdTo',
        createdTo: 'must not be before createdFrom',
      });
      assert.deepEqual(Object.keys(await bad('createdFrom=yesterday', path)), ['createdFrom']);
      assert.deepEqual(Object.keys(await bad('createdTo=2026-13-01T00:00:00Z', path)), ['createdTo']);
      assert.deepEqual(Object.keys(await bad('customerId=abc', path)), ['customerId']);
      assert.deepEqual(Object.keys(await bad('technicianId=0', path)), ['technicianId']);
      assert.deepEqual(await bad('customerId=2147483648', path), { customerId: 'is not a valid id' });
      assert.deepEqual(Object.keys(await bad('batchId=lot%207', path)), ['batchId']);
      assert.deepEqual(Object.keys(await bad('q=%20', path)), ['q']);
      assert.deepEqual(await bad('q=a%00b', path), { q: 'must not contain a NUL character' });
      assert.deepEqual(await bad('unitNumber=%00', path), { unitNumber: 'must not contain a NUL character' });
      assert.deepEqual(Object.keys(await bad(`q=${'x'.repeat(201)}`, path)), ['q']);
      assert.match((await bad('sort=price', path)).sort ?? '', /must be one of id, -id, createdAt/);
    }
  });

  it('documents the filters in OpenAPI', async () => {
    const doc = (await w.h.request('GET', '/api/openapi.json')).body;
    const params = (doc.paths['/api/repairs'].get.parameters as { name: string }[]).map((p) => p.name);
    for (const name of ['customerId', 'technicianId', 'batchId', 'createdFrom', 'createdTo', 'q', 'sort', 'status', 'unitNumber', 'page']) {
      assert.ok(params.includes(name), name);
    }
  });
});
