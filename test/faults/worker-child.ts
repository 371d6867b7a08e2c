/**
 * The worker of the fault-injection suite, as its own process (so it can be killed with -9):
 * the real createWorkers() from DATABASE_URL / TEMPORAL_ADDRESS, with the transport wrapped so
 * the suite can make it fail transiently. While the file named by FAULTS_TRANSPORT_FLAG exists,
 * every send throws a retryable DeliveryError (what a provider's 5xx or throttling looks like).
 * The wrapper lives here, not in product code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openServices, prepare, requireAddresses, stopOnSignals } from '../../src/runtime';
import { connectWorkerConnection } from '../../src/temporal/client';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createWorkers } from '../../src/worker/worker';
import { DeliveryError, type Transport } from '../../src/activities/transports/types';

export function flakyTransport(real: Transport, flagFile: string | undefined): Transport {
  const check = () => {
    if (flagFile && existsSync(flagFile)) throw new DeliveryError('injected transient provider failure', 'FAULT_INJECTED', false);
  };
  return {
    name: real.name,
    sendEmail: async (m) => {
      check();
      return real.sendEmail(m);
    },
    sendSms: async (m) => {
      check();
      return real.sendSms(m);
    },
  };
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'faults-worker' });
  installTemporalRuntime(logger);
  const where = requireAddresses(config);
  const services = await openServices(config, where, logger);
  await prepare(services);
  const connection = await connectWorkerConnection(where.temporalAddress);
  const bundlePath = process.env.FAULTS_WORKFLOW_BUNDLE;
  const workers = await createWorkers({
    config,
    connection,
    db: services.db,
    logger,
    workflowBundle: bundlePath ? { code: readFileSync(bundlePath, 'utf8') } : undefined,
    wrapTransport: (real) => flakyTransport(real, process.env.FAULTS_TRANSPORT_FLAG),
  });
  const running = workers.run();
  stopOnSignals(logger, [() => services.close(), () => connection.close(), () => workers.shutdown()]);
  process.stdout.write('faults-worker ready\n');
  await running;
  logger.warn('worker run() ended');
}

main().catch((err: unknown) => {
  console.error('faults-worker failed:', err);
  process.exit(1);
});
