import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { openServices, prepare, requireAddresses, stopOnSignals } from '../runtime';
import { connectWorkerConnection } from '../temporal/client';
import { installTemporalRuntime } from '../temporal/runtime';
import { createRepairWorker } from '../worker/worker';

/** The Temporal worker alone (deployments: docker-compose's `worker` service). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'worker' });
  installTemporalRuntime(logger);
  const where = requireAddresses(config);
  const services = await openServices(config, where, logger);
  await prepare(services);
  const connection = await connectWorkerConnection(where.temporalAddress);
  const worker = await createRepairWorker({ config, connection, db: services.db });
  const running = worker.run();
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  stopOnSignals(logger, [() => services.close(), () => connection.close(), async () => { worker.shutdown(); await running; }]);
  await running;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
