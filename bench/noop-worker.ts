import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/**
 * A bench-only worker process for the no-op workflow, on its own task queue (default worker
 * options, like the product's worker). Prints "ready" once polling; SIGTERM drains and exits
 * (the SDK runtime's default signal handling).
 *   node --require tsx/cjs bench/noop-worker.ts --address 127.0.0.1:7233 [--task-queue bench-noop] [--namespace default]
 */
async function main() {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      'task-queue': { type: 'string', default: 'bench-noop' },
      namespace: { type: 'string', default: 'default' },
    },
  });
  const { address } = values;
  if (!address) throw new Error('--address (host:port of the Temporal frontend) is required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: values.namespace,
    taskQueue: values['task-queue'],
    workflowsPath: require.resolve('./noop-workflow'),
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
