import type { Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { openServices, prepare, requireAddresses, stopOnSignals } from '../runtime';
import { connectWorkerConnection } from '../temporal/client';
import { installTemporalRuntime, workerMetricsAddress } from '../temporal/runtime';
import { ensureSchedules } from '../temporal/schedules';
import { createWorkers, type WorkerDeps } from './worker';

export interface StartWorkerOptions extends Pick<WorkerDeps, 'workflowBundle' | 'wrapTransport'> {
  /** The `process` field of its log lines. */
  processName?: string;
}

/**
 * The worker process against an existing PostgreSQL and Temporal (DATABASE_URL, TEMPORAL_ADDRESS):
 * prepares the schema, runs the workers, keeps the schedules in place and stops on a signal.
 * `src/bin/worker.ts` and the fault suite's worker both start here, so the suite kills and
 * restarts the process that deployments run, not a copy of it.
 *
 * Whether the schedules are written is the config's (SCHEDULES_ENABLED), not an option of this
 * function: the fault suite turns them off the way a deployment would, and a second switch
 * would let the two starts drift apart again.
 */
export async function startWorker(config: Config, options: StartWorkerOptions = {}): Promise<{ logger: Logger; running: Promise<void> }> {
  const logger = createLogger(config.logLevel, { process: options.processName ?? 'worker' });
  installTemporalRuntime(logger, { prometheusBindAddress: workerMetricsAddress(config) });
  const where = requireAddresses(config);
  const services = await openServices(config, where, logger);
  await prepare(services);
  const connection = await connectWorkerConnection(where.temporalAddress);
  const workers = await createWorkers({
    config,
    connection,
    db: services.db,
    logger,
    workflowBundle: options.workflowBundle,
    wrapTransport: options.wrapTransport,
  });
  const running = workers.run();
  logger.info(await ensureSchedules(services.temporal.client, config), 'schedules in place');
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  stopOnSignals(logger, [() => services.close(), () => connection.close(), () => workers.shutdown()]);
  return { logger, running };
}
