import assert from 'node:assert/strict';
import { Metadata, status } from '@grpc/grpc-js';
import { ServiceError, WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { UNCONFIRMED_STARTS, undoUnconfirmedRepairs } from '../../src/use-cases/repair-start';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

const { WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_TERMINATED } = temporal.api.enums.v1.WorkflowExecutionStatus;

/** What the client throws when a call's deadline (`withDeadline`) expires: gRPC DEADLINE_EXCEEDED inside a ServiceError. */
function grpcFailure(code: status, details: string, message = 'Failed to start Workflow'): ServiceError {
  const cause = Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
  return new ServiceError(message, { cause });
}
const deadlineExceeded = () =>
  grpcFailure(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 5.001s,LB pick: 0.001s,remote_addr=127.0.0.1:7233');

describe('api: creating a repair when the workflow start fails', () => {
  let h: Harness;
  let wf: WorkflowClient;
  let token: string;

  before(async () => {
    h = await startHarness({ ASSIGNMENT_RETRY_PERIOD: '500ms' });
    wf = h.deps.temporal.client.workflow;
    const customerId = await insertCustomer(h.db, 'Start Fleet');
    await insertUser(h.db, 'start-user', 'customer', { customerId });
    await insertUser(h.db, 'start-tech', 'technician');
    token = await h.login('start-user', PASSWORD);
  });
  after(() => h?.close());

  // The faults are put on this client's instance; deleting them brings back the SDK's methods.
  type Start = WorkflowClient['start'];
  type GetHandle = WorkflowClient['getHandle'];
  const realStart = (): Start => Object.getPrototypeOf(wf).start.bind(wf);
  const failStart = (fault: (real: Start, args: Parameters<Start>) => Promise<unknown>) => {
    const real = realStart();
    wf.start = ((...args: Parameters<Start>) => fault(real, args)) as Start;
  };
  /** Temporal unreachable for describe and terminate (the start is faulted separately). */
  const unreachableHandles = () => {
    const real: GetHandle = Object.getPrototypeOf(wf).getHandle.bind(wf);
    wf.getHandle = ((...args: Parameters<GetHandle>) => {
      const handle = real(...args);
      const down = () => Promise.reject(grpcFailure(status.UNAVAILABLE, 'No connection established', 'Failed to reach Temporal'));
      return Object.assign(handle, { describe: down, terminate: down });
    }) as GetHandle;
  };
  afterEach(() => {
    delete (wf as Partial<WorkflowClient>).start;
    delete (wf as Partial<WorkflowClient>).getHandle;
  });

  const create = (unitNumber: string) =>
    h.request('POST', '/api/repairs', { token, body: { unitNumber, description: 'star break, passenger side' } });
  const rowOf = (unitNumber: string) => h.db.models.Repair.query().findOne({ unitNumber });
  const markerOf = (repairId: number) => h.db.knex(UNCONFIRMED_STARTS).where('repair_id', repairId).first();
  const describe = (workflowId: string) => wf.getHandle(workflowId).describe();

  it('keeps the repair and answers 201 when the start timed out after the server had started the workflow', async () => {
    failStart(async (real, args) => {
      await real(...args); // the server accepts the start ...
      throw deadlineExceeded(); // ... and the answer comes too late
    });
    const res = await create('TIMEOUT-1');
    assert.equal(res.status, 201, JSON.stringify(res.body));

    const row = await rowOf('TIMEOUT-1');
    assert.ok(row, 'the repair row is kept');
    assert.equal(res.body.id, row.id);
    assert.equal(await markerOf(row.id), undefined, 'its start is confirmed');
    assert.equal((await describe(row.workflowId)).status.code, WORKFLOW_EXECUTION_STATUS_RUNNING);
    // The workflow does its work on the row: it assigns the active technician.
    await eventually(async () => (await h.db.models.Repair.query().findById(row.id))?.technicianId ?? undefined, 'assignment');
  });

  it('starts the workflow and answers 201 when only the first start failed before reaching the server', async () => {
    let calls = 0;
    failStart(async (real, args) => {
      if (++calls === 1) throw grpcFailure(status.UNAVAILABLE, 'Connection dropped');
      return real(...args);
    });
    const res = await create('RETRIED-1');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const row = await rowOf('RETRIED-1');
    assert.ok(row);
    assert.equal((await describe(row.workflowId)).status.code, WORKFLOW_EXECUTION_STATUS_RUNNING);
    assert.equal(calls, 2);
  });

  it('answers 503 and leaves no repair when the start never reached the server', async () => {
    const before = await h.db.models.Repair.query().resultSize();
    let tried: string | undefined;
    failStart((_real, [, options]) => {
      tried = options.workflowId;
      return Promise.reject(deadlineExceeded());
    });
    const res = await create('NEVER-1');
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
    assert.equal(await rowOf('NEVER-1'), undefined);
    assert.equal(await h.db.models.Repair.query().resultSize(), before);
    assert.equal(await h.db.knex(UNCONFIRMED_STARTS).first(), undefined);
    assert.ok(tried);
    await assert.rejects(describe(tried), WorkflowNotFoundError);
  });

  it('when Temporal cannot say: answers 503, keeps the repair marked, and the sweep terminates and removes it once Temporal answers', async () => {
    failStart(async (real, args) => {
      await real(...args);
      throw deadlineExceeded();
    });
    unreachableHandles();
    const res = await create('UNKNOWN-1');
    assert.equal(res.status, 503, JSON.stringify(res.body));
    const row = await rowOf('UNKNOWN-1');
    assert.ok(row, 'not deleted blindly: the workflow may be running');
    assert.ok(await markerOf(row.id));

    // A fresh marker may belong to a request still settling: the sweep leaves it alone.
    assert.deepEqual(await undoUnconfirmedRepairs(h.deps), { undone: [], unresolved: [] });
    // Temporal still unreachable: nothing is undone, the marker stays for the next sweep.
    assert.deepEqual(await undoUnconfirmedRepairs(h.deps, 0), { undone: [], unresolved: [row.id] });
    assert.ok(await rowOf('UNKNOWN-1'));
    assert.ok(await markerOf(row.id));

    delete (wf as Partial<WorkflowClient>).getHandle; // Temporal answers again
    assert.deepEqual(await undoUnconfirmedRepairs(h.deps, 0), { undone: [row.id], unresolved: [] });
    assert.equal(await rowOf('UNKNOWN-1'), undefined, 'no orphan row');
    assert.equal((await describe(row.workflowId)).status.code, WORKFLOW_EXECUTION_STATUS_TERMINATED, 'no orphan workflow');
  });

  it('when Temporal cannot say and the start had not landed: the sweep removes the repair, with nothing to terminate', async () => {
    failStart(() => Promise.reject(deadlineExceeded()));
    unreachableHandles();
    const res = await create('UNKNOWN-2');
    assert.equal(res.status, 503, JSON.stringify(res.body));
    const row = await rowOf('UNKNOWN-2');
    assert.ok(row && (await markerOf(row.id)));

    delete (wf as Partial<WorkflowClient>).getHandle;
    assert.deepEqual(await undoUnconfirmedRepairs(h.deps, 0), { undone: [row.id], unresolved: [] });
    assert.equal(await rowOf('UNKNOWN-2'), undefined);
    await assert.rejects(describe(row.workflowId), WorkflowNotFoundError);
  });
});
