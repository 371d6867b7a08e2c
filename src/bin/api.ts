import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startApi } from '../api/server';
import { openServices, prepare, requireAddresses, stopOnSignals } from '../runtime';

/** The API alone (deployments: docker-compose's `api` service). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'api' });
  const services = await openServices(config, requireAddresses(config), logger);
  await prepare(services);
  const api = await startApi(services, config.http.port, config.http.host);
  logger.info({ url: api.url }, 'API listening');
  stopOnSignals(logger, [() => services.close(), () => api.close()]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
