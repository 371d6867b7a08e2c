import assert from 'node:assert/strict';
import { expectAccess } from './access';
import { insertRepairs, startFleetWorld, type FleetWorld, type RepairRow } from './fleet-fixtures';

describe('api: GET /api/customers/:id/summary', () => {
  let w: FleetWorld;
  const path = (id: number) => `/api/customers/${id}/summary`;

  before(async () => {
    w = await startFleetWorld();
    const { fleetA, fleetB, tech1 } = w.ids;
    const done = (unitNumber: string, cost: number, discountedCost: number, completedAt: string): RepairRow => ({
      customerId: fleetA,
      unitNumber,
      status: 'COMPLETED',
      technicianId: tech1,
      cost,
      discountedCost,
      completedAt,
    });
    await insertRepairs(w.h.db, w.ids.admin, [
      // TRK-1: three completed (50, 40, 35; a 10% reward on the second) and one in progress.
      done('TRK-1', 50, 50, '2026-11-01T10:00:00Z'),
      done('TRK-1', 40, 36, '2026-11-03T10:00:00Z'),
      done('TRK-1', 35, 35, '2026-11-02T10:00:00Z'),
      { customerId: fleetA, unitNumber: 'TRK-1', status: 'IN_PROGRESS', technicianId: tech1 },
      // TRK-2: one completed with a fixed 5.55 off, one denied.
      done('TRK-2', 50, 44.45, '2026-11-04T10:00:00Z'),
      { customerId: fleetA, unitNumber: 'TRK-2', status: 'DENIED', technicianId: tech1 },
      // VAN-5: five completed: the next one is the repeat price.
      ...[50, 40, 35, 30, 25].map((cost, i) => done('VAN-5', cost, cost, `2026-10-0${i + 1}T10:00:00Z`)),
      // BUS-0: never completed.
      { customerId: fleetA, unitNumber: 'BUS-0', status: 'REQUESTED' },
      { customerId: fleetA, unitNumber: 'BUS-0', status: 'PENDING', technicianId: tech1 },
      { customerId: fleetA, unitNumber: 'BUS-0', status: 'APPROVED', technicianId: tech1 },
      // Another fleet, same unit number: counted for fleet B only.
      { customerId: fleetB, unitNumber: 'TRK-1', status: 'COMPLETED', cost: 50, discountedCost: 0, completedAt: '2026-11-09T10:00:00Z' },
    ]);
  });
  after(() => w?.h.close());

  it("answers the customer's own users and admins; another fleet's user 404, technicians 403, no token 401", async () => {
    await expectAccess(
      w.h,
      w.tokens,
      { method: 'GET', path: path(w.ids.fleetA) },
      { none: 401, customer: 200, technician: 403, admin: 200 },
    );
    const other = await w.h.request('GET', path(w.ids.fleetA), { token: w.tokens.bob });
    assert.equal(other.status, 404, 'as if it did not exist');
    assert.equal((await w.h.request('GET', path(999_999), { token: w.tokens.admin })).status, 404);
    assert.equal((await w.h.request('GET', path(999_999), { token: w.tokens.customer })).status, 404);
    const bad = await w.h.request('GET', '/api/customers/abc/summary', { token: w.tokens.admin });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body.error.fields), ['id']);
  });

  it('counts repairs by status (every status), totals the cost and the discount, and prices each unit’s next repair', async () => {
    const res = await w.h.request('GET', path(w.ids.fleetA), { token: w.tokens.customer });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      customerId: w.ids.fleetA,
      repairsByStatus: { REQUESTED: 1, PENDING: 1, APPROVED: 1, IN_PROGRESS: 1, COMPLETED: 9, DENIED: 1 },
      // 50+40+35 + 50 + 50+40+35+30+25
      totalCost: 355,
      // 4 (10% of 40) + 5.55
      totalDiscount: 9.55,
      units: [
        { unitNumber: 'BUS-0', completed: 0, lastCompletedAt: null, nextPrice: 50 },
        { unitNumber: 'TRK-1', completed: 3, lastCompletedAt: '2026-11-03T10:00:00.000Z', nextPrice: 30 },
        { unitNumber: 'TRK-2', completed: 1, lastCompletedAt: '2026-11-04T10:00:00.000Z', nextPrice: 40 },
        { unitNumber: 'VAN-5', completed: 5, lastCompletedAt: '2026-10-05T10:00:00.000Z', nextPrice: 25 },
      ],
    });
  });

  it("keeps each fleet's numbers to itself", async () => {
    const b = (await w.h.request('GET', path(w.ids.fleetB), { token: w.tokens.bob })).body;
    assert.deepEqual(b.repairsByStatus, { REQUESTED: 0, PENDING: 0, APPROVED: 0, IN_PROGRESS: 0, COMPLETED: 1, DENIED: 0 });
    assert.deepEqual([b.totalCost, b.totalDiscount], [50, 50]);
    assert.deepEqual(b.units, [{ unitNumber: 'TRK-1', completed: 1, lastCompletedAt: '2026-11-09T10:00:00.000Z', nextPrice: 40 }]);
  });

  it('answers zeros for a customer without repairs', async () => {
    const empty = (await w.h.db.models.Customer.query().insert({ name: 'New Fleet' })).id;
    const res = await w.h.request('GET', path(empty), { token: w.tokens.admin });
    assert.deepEqual(res.body, {
      customerId: empty,
      repairsByStatus: { REQUESTED: 0, PENDING: 0, APPROVED: 0, IN_PROGRESS: 0, COMPLETED: 0, DENIED: 0 },
      totalCost: 0,
      totalDiscount: 0,
      units: [],
    });
  });

  it('is documented in OpenAPI', async () => {
    const op = (await w.h.request('GET', '/api/openapi.json')).body.paths['/api/customers/{id}/summary'].get;
    const schema = op.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(schema.properties.repairsByStatus.properties), [
      'REQUESTED',
      'PENDING',
      'APPROVED',
      'IN_PROGRESS',
      'COMPLETED',
      'DENIED',
    ]);
    assert.ok(op.responses['404']);
  });
});
