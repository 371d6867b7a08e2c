import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { openServices, prepare, requireAddresses, stopOnSignals } from '../runtime';
import { connectWorkerConnection } from '../temporal/client';
import { installTemporalRuntime } from '../temporal/runtime';
import { ensureSchedules } from '../temporal/schedules';
import { createWorkers } from '../worker/worker';

/** The Temporal worker alone (deployments: docker-compose's `worker` service). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'worker' });
  installTemporalRuntime(logger);
  const where = requireAddresses(config);
  const services = await openServices(config, where, logger);
  await prepare(services);
  const connection = await connectWorkerConnection(where.temporalAddress);
  const workers = await createWorkers({ config, connection, db: services.db, logger });
  const running = workers.run();
  logger.info(await ensureSchedules(services.temporal.client, config), 'schedules in place');
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  stopOnSignals(logger, [() => services.close(), () => connection.close(), () => workers.shutdown()]);
  await running;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
