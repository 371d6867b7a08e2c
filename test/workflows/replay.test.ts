import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { stack } from '../support/stack';

/**
 * Determinism: every history the workflows write must replay with the same code. Concurrent
 * lifecycles make a move's local activity and the event dispatch's land in the same workflow task,
 * the case that once replayed in another order after a Temporal restart.
 */
describe('workflows: histories replay deterministically', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it('replays every repair and delivery history of 12 concurrent lifecycles without a non-determinism error', async function () {
    this.timeout(240_000);
    const fleet = await insertCustomer(h.db, 'Replay Fleet');
    for (const name of ['rita', 'rick', 'rosa']) {
      const { userId } = await insertUser(h.db, name, 'customer', { customerId: fleet });
      await h.db.models.User.query()
        .patch({ phone: `+1555030000${name.length}${userId % 10}` })
        .where('id', userId);
    }
    const { userId: techUser } = await insertUser(h.db, 'ray', 'technician');
    await h.db.models.User.query().patch({ phone: '+15550309999' }).where('id', techUser);
    const customer = await h.login('rita', PASSWORD);
    const tech = await h.login('ray', PASSWORD);
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await h.request(method, path, { token, ...(body === undefined ? {} : { body }) });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const r = await call(customer, 'POST', '/api/repairs', { unitNumber: `RP-${i}`, description: 'replay me' });
        await eventually(
          async () => ((await call(customer, 'GET', `/api/repairs/${r.id}`)).technicianId ?? undefined) as number | undefined,
          'assignment',
        );
        for (const [who, move] of [
          [tech, 'submit'],
          [customer, 'approve'],
          [tech, 'start'],
          [tech, 'complete'],
        ] as const) {
          await call(who, 'POST', `/api/repairs/${r.id}/${move}`, move === 'submit' ? { estimatedCost: 40 } : undefined);
        }
        return r.id as number;
      }),
    );
    const client = h.deps.temporal.client;
    const workflowIds: string[] = [];
    await eventually(
      async () => {
        workflowIds.length = 0;
        const query = `WorkflowId STARTS_WITH "repair-" AND TaskQueue = "${h.config.temporal.taskQueue}" AND ExecutionStatus = "Running"`;
        for await (const wf of client.workflow.list({ query })) workflowIds.push(wf.workflowId);
        return workflowIds.length === 0 ? true : undefined;
      },
      'every repair and delivery workflow to finish',
      60_000,
    );
    for await (const wf of client.workflow.list({
      query: `WorkflowId STARTS_WITH "repair-" AND TaskQueue = "${h.config.temporal.taskQueue}"`,
    })) {
      workflowIds.push(wf.workflowId);
    }
    assert.ok(workflowIds.length >= ids.length, `every repair (${workflowIds.length})`);

    const histories = workflowIds.map(async (workflowId) => ({
      workflowId,
      history: await client.workflow.getHandle(workflowId).fetchHistory(),
    }));
    const { workflowBundle } = await stack();
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle },
      (async function* () {
        for (const h of histories) yield await h;
      })(),
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
