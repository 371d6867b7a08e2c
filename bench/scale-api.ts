import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startApi } from '../src/api/server';
import { openServices } from '../src/runtime';

/**
 * The API alone on an already migrated and seeded database, for `npm run bench:scale`: the read
 * routes need no Temporal (its client connects lazily, so TEMPORAL_ADDRESS may point nowhere), and
 * nothing is prepared (migrations and demo accounts are the bench's). Prints its URL when it listens.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'scale-api' });
  const services = await openServices(
    config,
    { databaseUrl: config.database.url as string, temporalAddress: config.temporal.address as string },
    logger,
  );
  const api = await startApi(services, config.http.port, '127.0.0.1');
  console.log(`scale-api listening ${api.url}`);
  const stop = () =>
    void api
      .close()
      .then(() => services.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
