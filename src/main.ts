import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { startApi } from './api/server';
import { EMBEDDED_DATABASE, startEmbeddedPostgres } from './embedded/postgres';
import { resolveTemporalCli, startTemporalDevServer } from './embedded/temporal';
import { openServices, prepare, stopOnSignals } from './runtime';
import { connectWorkerConnection } from './temporal/client';
import { installTemporalRuntime, workerMetricsAddress } from './temporal/runtime';
import { ensureSchedules } from './temporal/schedules';
import { createWorkers } from './worker/worker';

/**
 * The embedded default (`npm start`): PostgreSQL and a Temporal dev server with its Web UI, both
 * keeping their data under DATA_DIR, plus the worker and the API in this process. DATABASE_URL or
 * TEMPORAL_ADDRESS, when set, replace the embedded ones.
 */
async function main(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, { process: 'main' });
  installTemporalRuntime(logger, { prometheusBindAddress: workerMetricsAddress(config) });
  const stopSteps: (() => Promise<unknown>)[] = [];
  stopOnSignals(logger, stopSteps);

  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      logger.info({ port: config.database.embeddedPort }, 'starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.embeddedPort,
        logger,
      });
      stopSteps.push(() => pg.stop());
      await pg.createDatabase(EMBEDDED_DATABASE);
      databaseUrl = pg.url(EMBEDDED_DATABASE);
    }

    let temporalAddress = config.temporal.address;
    let temporalUi: string | null = null;
    if (!temporalAddress) {
      const executable = resolveTemporalCli(config.temporal.cliPath, logger);
      logger.info({ executable, port: config.temporal.port }, 'starting Temporal dev server');
      const server = await startTemporalDevServer({
        executable,
        namespace: config.temporal.namespace,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(config.dataDir, 'temporal.db'),
      });
      stopSteps.push(() => server.stop());
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }

    const services = await openServices(config, { databaseUrl, temporalAddress }, logger);
    stopSteps.push(() => services.close());
    await prepare(services);

    const connection = await connectWorkerConnection(temporalAddress);
    stopSteps.push(() => connection.close());
    const workers = await createWorkers({ config, connection, db: services.db, logger });
    const running = workers.run();
    stopSteps.push(() => workers.shutdown());
    const schedules = await ensureSchedules(services.temporal.client, config);
    logger.info(schedules, 'schedules in place');
    running.catch((err: unknown) => {
      logger.fatal({ err }, 'worker stopped unexpectedly');
      process.kill(process.pid, 'SIGTERM');
    });

    const api = await startApi(services, config.http.port, config.http.host);
    stopSteps.push(() => api.close());

    const lines = [
      '',
      'RS Systems is running (Ctrl-C to stop):',
      `  API           ${api.url}/api`,
      `  API docs      ${api.url}/api/docs`,
      `  Temporal UI   ${temporalUi ?? '(external Temporal: ' + temporalAddress + ')'}`,
      `  Temporal gRPC ${temporalAddress}`,
      config.seedDemoAccounts ? '  Accounts      demoadmin, democustomer, tech1-tech3 (password demo123)' : '',
      '',
    ];
    process.stdout.write(lines.filter((l) => l !== undefined).join('\n') + '\n');
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    for (const step of [...stopSteps].reverse()) await step().catch(() => undefined);
    process.exit(1);
  }
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
}

void main(configOrExit());
