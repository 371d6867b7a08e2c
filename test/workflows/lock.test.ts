import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { stack } from '../support/stack';
import type { lockProbe } from './probes/lock-probe';

/** The workflows' lock on a real Temporal server: callers asking in one activation. */
describe('workflows: the lock excludes and keeps order', () => {
  let client: Client;
  let connection: Connection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `lock-${randomUUID()}`;

  before(async function () {
    this.timeout(120_000);
    const { temporal } = await stack();
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./probes/lock-probe'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: temporal.address }),
      taskQueue,
      workflowBundle: bundle,
    });
    running = worker.run();
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection });
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
  });

  const probe = (kind: 'exclusive' | 'legacy', callers: number) =>
    client.workflow.execute<typeof lockProbe>('lockProbe', { taskQueue, workflowId: `lock-${randomUUID()}`, args: [kind, callers] });

  for (const callers of [2, 8]) {
    it(`lets one of ${callers} callers in at a time, in the order they asked, a failure releasing it for the next`, async () => {
      const result = await probe('exclusive', callers);
      assert.equal(result.maxInside, 1);
      assert.deepEqual(
        result.order,
        Array.from({ length: callers }, (_, i) => i),
      );
      assert.deepEqual(
        result.failed.sort((a, b) => a - b),
        Array.from({ length: callers }, (_, i) => i).filter((i) => i % 3 === 1),
      );
    });
  }

  it('(the gate it replaces let every waiter of one activation in at once)', async () => {
    // Kept only to replay old histories; this shows why it had to go.
    assert.ok((await probe('legacy', 3)).maxInside > 1);
  });
});
