import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import pg from 'pg';
import { projectRoot } from '../config';
import * as models from './models';

// NUMERIC (money) and BIGINT (count(*)) arrive as strings by default; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

type ModelClasses = typeof models;

export interface Db {
  knex: Knex;
  /** The Objection models bound to this database (so several databases can live in one process). */
  models: ModelClasses;
  destroy(): Promise<void>;
}

export function createDb(url: string, poolMax = 10): Db {
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'rsystems' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    ...knexSnakeCaseMappers(),
  });
  const bound = Object.fromEntries(
    Object.entries(models).map(([name, model]) => [name, model.bindKnex(knex)]),
  ) as unknown as ModelClasses;
  return { knex, models: bound, destroy: () => knex.destroy() };
}

const MIGRATIONS_DIR = path.join(projectRoot, __dirname.includes(`${path.sep}dist${path.sep}`) ? 'dist' : '', 'migrations');

export const migrationConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIR,
  loadExtensions: ['.ts', '.js'],
  tableName: 'knex_migrations',
};

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}
