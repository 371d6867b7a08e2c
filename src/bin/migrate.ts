import { loadConfig } from '../config';
import { createDb, migrateLatest } from '../db';
import { createLogger } from '../logger';

/**
 * Applies the pending migrations and exits (deployments: docker-compose's one-shot `migrate`
 * service, which the API and the worker wait for; they run with MIGRATE_ON_START=false). Needs
 * DATABASE_URL only. Safe to run beside other migrators: they take turns under the start-up lock.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'migrate' });
  if (!config.database.url) throw new Error('DATABASE_URL must be set');
  const db = createDb(config.database.url, 1, logger);
  try {
    const applied = await migrateLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema already current');
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
