import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/**
 * A bench-only worker process for the no-op workflow, on its own task queue (default worker
 * options, like the product's worker). Prints "ready" once polling; SIGTERM drains and exits
 * (the SDK runtime's default signal handling).
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 NOOP_TASK_QUEUE=bench-noop node --require tsx/cjs bench/noop-worker.ts
 */
async function main() {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.NOOP_TASK_QUEUE ?? 'bench-noop';
  if (!address) throw new Error('TEMPORAL_ADDRESS must be set');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
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
