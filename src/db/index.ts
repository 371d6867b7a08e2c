import { readdir } from 'node:fs/promises';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import pg from 'pg';
import type { Logger } from 'pino';
import { keys } from '../domain/keys';
import * as models from './models';

// NUMERIC (money) and BIGINT (count(*)) arrive as strings by default; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// A DATE is a calendar day, not an instant: as a JS Date it would shift with the process's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

type ModelClasses = typeof models;

export interface Db {
  knex: Knex;
  /** The Objection models bound to this database (so several databases can live in one process). */
  models: ModelClasses;
  destroy(): Promise<void>;
}

export function createDb(url: string, poolMax = 10, logger?: Logger): Db {
  const log = logger?.child({ component: 'knex' });
  const knex = knexFactory({
    // knex writes to the console by default; ours is structured, or silent when no logger is given.
    log: {
      warn: (m: unknown) => log?.warn({ detail: String(m) }, 'knex warning'),
      error: (m: unknown) => log?.error({ detail: String(m) }, 'knex error'),
      deprecate: (m: unknown) => log?.warn({ detail: String(m) }, 'knex deprecation'),
      debug: (m: unknown) => log?.debug({ detail: String(m) }, 'knex debug'),
    },
    client: 'pg',
    connection: { connectionString: url, application_name: 'rsystems' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    ...knexSnakeCaseMappers(),
  });
  const bound = Object.fromEntries(Object.entries(models).map(([name, model]) => [name, model.bindKnex(knex)])) as unknown as ModelClasses;
  return { knex, models: bound, destroy: () => knex.destroy() };
}

// Beside src/: migrations/ in development, dist/migrations/ in the built service (dist/src/db is here).
const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

const MIGRATION_FILE = /^(\d{14}_[\w-]+)\.(ts|js)$/;

/**
 * Migrations are named without their extension, so a database migrated by `npm start` (.ts
 * sources) and by the built service (.js) agrees on what has been applied.
 */
const migrationSource: Knex.MigrationSource<{ name: string; file: string }> = {
  async getMigrations() {
    const found = (await readdir(MIGRATIONS_DIR)).flatMap((file) => {
      const name = MIGRATION_FILE.exec(file)?.[1];
      return name ? [{ name, file: path.join(MIGRATIONS_DIR, file) }] : [];
    });
    return found.sort((a, b) => a.name.localeCompare(b.name));
  },
  getMigrationName: (m) => m.name,
  // require, not import(): in development the files are TypeScript, loaded through tsx's require hook.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  getMigration: (m) => Promise.resolve(require(m.file) as Knex.Migration),
};

export const migrationConfig: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

/**
 * Runs `fn` while holding the start-up lock of this database, so API and worker processes started
 * together take turns instead of racing. Knex's own migration lock is no queue (a migrator that
 * finds it taken fails with "Migration table is already locked"), and it is taken only after the
 * bookkeeping tables exist: two processes creating `knex_migrations` at once, on a fresh database,
 * fail on a duplicate type. This lock lives on a connection of its own, outside the pool, so `fn`
 * can use the pool (even of size 1); ending that session releases it, also when this process dies.
 */
export async function withStartupLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const client = db.knex.client as Knex.Client;
  const session = (await client.acquireRawConnection()) as pg.Client;
  try {
    await session.query('select pg_advisory_lock($1, $2)', [...keys.locks.startup]);
    return await fn();
  } finally {
    await client.destroyRawConnection(session).catch(() => undefined); // a broken session holds no lock
  }
}

export async function migrateLatest(db: Db): Promise<string[]> {
  return withStartupLock(db, async () => {
    const [, applied] = (await db.knex.migrate.latest(migrationConfig)) as [number, string[]];
    return applied;
  });
}

/**
 * Names of the migrations not applied yet (an unmigrated database lists them all). Read-only:
 * unlike knex's own `migrate.list`, it never creates the bookkeeping tables.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const known = (await migrationSource.getMigrations([])).map((m) => m.name);
  const { rows } = await db.knex.raw<{ rows: { t: string | null }[] }>("select to_regclass('knex_migrations')::text as t");
  if (!rows[0]?.t) return known;
  const applied = new Set((await db.knex('knex_migrations').pluck('name')) as string[]);
  return known.filter((name) => !applied.has(name));
}
