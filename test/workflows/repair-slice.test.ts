import assert from 'node:assert/strict';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { SA, stateQuery } from '../../src/workflows/definitions';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';

describe('slice: POST /api/repairs starts repair-<id> on the repairs task queue', () => {
  let h: Harness;
  let customerToken: string;
  let otherCustomerToken: string;
  let customerId: number;
  let techIds: number[];

  before(async () => {
    h = await startHarness();
    customerId = await insertCustomer(h.db, 'Fleet A');
    const otherId = await insertCustomer(h.db, 'Fleet B');
    await insertUser(h.db, 'fleet-a', 'customer', { customerId });
    await insertUser(h.db, 'fleet-b', 'customer', { customerId: otherId });
    techIds = [];
    for (const name of ['tech-a', 'tech-b']) techIds.push((await insertUser(h.db, name, 'technician')).technicianId as number);
    customerToken = await h.login('fleet-a', PASSWORD);
    otherCustomerToken = await h.login('fleet-b', PASSWORD);
  });
  after(() => h?.close());

  it('records the repair, starts its workflow with search attributes, and the worker assigns a technician', async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: customerToken,
      body: { unitNumber: 'TRK-101', description: 'Star break, passenger side', damageType: 'star' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'REQUESTED');
    assert.equal(res.body.customerId, customerId);
    assert.equal(res.body.workflowId, `repair-${res.body.id}`);

    const handle = h.deps.temporal.client.workflow.getHandle(res.body.workflowId);
    const description = await handle.describe();
    assert.equal(description.type, 'repairWorkflow');
    assert.equal(description.taskQueue, h.config.temporal.taskQueue);
    assert.equal(description.status.name, 'RUNNING');

    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      return s.technicianId !== null ? s : undefined;
    }, 'technician assignment');
    assert.equal(state.technicianId, techIds[0], 'least loaded, lowest id first');

    const attrs = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(SA.TechnicianId) !== undefined ? d.typedSearchAttributes : undefined;
    }, 'TechnicianId search attribute');
    assert.equal(attrs.get(SA.RepairStatus), 'REQUESTED');
    assert.equal(attrs.get(SA.CustomerId), customerId);
    assert.equal(attrs.get(SA.UnitNumber), 'TRK-101');
    assert.equal(attrs.get(SA.TechnicianId), techIds[0]);

    const read = await h.request('GET', `/api/repairs/${res.body.id}`, { token: customerToken });
    assert.equal(read.status, 200);
    assert.equal(read.body.technicianId, techIds[0]);
    assert.equal(read.body.unitNumber, 'TRK-101');
  });

  it('is found by ops through a visibility query on the search attributes', async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: customerToken,
      body: { unitNumber: 'VAN-7', description: 'Crack' },
    });
    // Suites share the namespace and number customers alike: the task queue is this suite's own.
    const query = `UnitNumber = "VAN-7" AND CustomerId = ${customerId} AND RepairStatus = "REQUESTED" AND TaskQueue = "${h.config.temporal.taskQueue}"`;
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of h.deps.temporal.client.workflow.list({ query })) found.push(wf.workflowId);
      return found.length ? found : undefined;
    }, 'visibility');
    assert.deepEqual(ids, [`repair-${res.body.id}`]);
  });

  it('spreads a second request to the next technician', async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: customerToken,
      body: { unitNumber: 'TRK-102', description: 'Chip' },
    });
    const handle = h.deps.temporal.client.workflow.getHandle(res.body.workflowId);
    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      return s.technicianId !== null ? s : undefined;
    }, 'assignment');
    assert.ok(techIds.includes(state.technicianId as number));
    const loads = await h.db.knex('repairs').select('technician_id').count('* as n').groupBy('technician_id');
    const counts = loads.map((l) => Number(l.n)).sort();
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `uneven: ${JSON.stringify(loads)}`);
  });

  it("hides a repair from another customer (404) and validates the customer's body", async () => {
    const res = await h.request('POST', '/api/repairs', { token: customerToken, body: { unitNumber: 'X', description: 'y' } });
    const hidden = await h.request('GET', `/api/repairs/${res.body.id}`, { token: otherCustomerToken });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'NOT_FOUND');

    const before = await h.db.models.Repair.query().resultSize();
    const bad = await h.request('POST', '/api/repairs', { token: customerToken, body: { unitNumber: '', description: 5 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields, { unitNumber: 'is required', description: 'must be a string' });
    assert.equal(await h.db.models.Repair.query().resultSize(), before);
  });

  it('refuses a second workflow for the same repair id (the id is the idempotency key)', async () => {
    const res = await h.request('POST', '/api/repairs', { token: customerToken, body: { unitNumber: 'D', description: 'dup' } });
    await assert.rejects(
      h.deps.temporal.client.workflow.start('repairWorkflow', {
        workflowId: res.body.workflowId,
        taskQueue: h.config.temporal.taskQueue,
        args: [{}],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      }),
      (err: Error) => err.name === 'WorkflowExecutionAlreadyStartedError',
    );
  });
});
