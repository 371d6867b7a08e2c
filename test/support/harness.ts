import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { createDb, migrateLatest, type Db } from '../../src/db';
import { startApi, type RunningApi } from '../../src/api/server';
import type { AppDeps } from '../../src/api/context';
import { createTokenService } from '../../src/security/tokens';
import { createTemporalClient } from '../../src/temporal/client';
import { createWorkers, type Workers } from '../../src/worker/worker';
import type { RepairActivities } from '../../src/activities';
import type { Transport } from '../../src/transports/types';
import { createPhotoStorage, type PhotoStorage } from '../../src/storage';
import { stack, testLogger } from './stack';

let dbCounter = 0;

/** A fresh database on the shared embedded PostgreSQL, migrated. */
export async function freshDatabase(): Promise<{ db: Db; url: string; name: string }> {
  const { pg } = await stack();
  const name = `rs_test_${process.pid}_${++dbCounter}`;
  await pg.createDatabase(name);
  const url = pg.url(name);
  const db = createDb(url, 5);
  await migrateLatest(db);
  // All suites share one Temporal namespace and workflow ids are repair-<id>: give each database
  // its own id range so repair-1 of one suite is not repair-1 of another.
  await db.knex.raw(`alter sequence repairs_id_seq restart with ${dbCounter * 1_000_000 + 1}`);
  // The same for announcement-<id>.
  await db.knex.raw(`alter sequence announcements_id_seq restart with ${dbCounter * 1_000_000 + 1}`);
  // Delivery retries and account messages are keyed by notification and log ids: ranged the same way.
  await db.knex.raw(`alter sequence notifications_id_seq restart with ${dbCounter * 1_000_000 + 1}`);
  await db.knex.raw(`alter sequence delivery_logs_id_seq restart with ${dbCounter * 1_000_000 + 1}`);
  return { db, url, name };
}

/** A fresh database behind a pool of `size` connections, for suites that race many writers. */
export async function freshPool(size: number): Promise<Db> {
  const fresh = await freshDatabase();
  await fresh.db.destroy();
  return createDb(fresh.url, size);
}

export interface Harness {
  config: Config;
  deps: AppDeps;
  db: Db;
  api: RunningApi;
  workers: Workers;
  /** Stops the worker (letting in-flight tasks finish) and starts a new one: workflows resume on it from their histories. */
  restartWorkers(): Promise<void>;
  /** JSON request against the running API; returns status, parsed body and headers. */
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * One suite's world: its own database, its own task queue with a running worker, and the API on a
 * free port, all on the shared real PostgreSQL and Temporal.
 */
export async function startHarness(
  env: Record<string, string> = {},
  opts: {
    activities?: (real: RepairActivities) => RepairActivities;
    wrapTransport?: (real: Transport) => Transport;
    wrapPhotoStorage?: (real: PhotoStorage) => PhotoStorage;
  } = {},
): Promise<Harness> {
  const s = await stack();
  const { db, url } = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: s.temporal.address,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    NOTIFICATION_EMAIL_TASK_QUEUE: `test-email-${randomUUID()}`,
    DELIVERY_RETRY_INITIAL: '100ms',
    AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    ASSIGNMENT_RETRY_PERIOD: '1s',
    ...env,
  });
  const temporal = createTemporalClient(s.temporal.address, config.temporal.namespace);
  // Static keys: an S3 emulator takes any, and the SDK's default chain would probe for instance roles.
  const photoStorage = createPhotoStorage(config, { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const deps: AppDeps = {
    config,
    db,
    temporal,
    tokens: createTokenService(config.auth.tokenSecret as string, config.auth.tokenTtlMs),
    logger: testLogger,
    photoStorage: opts.wrapPhotoStorage ? opts.wrapPhotoStorage(photoStorage) : photoStorage,
  };
  const connection = await NativeConnection.connect({ address: s.temporal.address });
  const newWorkers = () =>
    createWorkers({
      config,
      connection,
      db,
      logger: testLogger,
      workflowBundle: s.workflowBundle,
      activities: opts.activities,
      wrapTransport: opts.wrapTransport,
    });
  let workers = await newWorkers();
  let running = workers.run();
  const api = await startApi(deps, 0, '127.0.0.1');

  const request: Harness['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    config,
    deps,
    db,
    api,
    get workers() {
      return workers;
    },
    async restartWorkers() {
      await workers.shutdown();
      await running;
      workers = await newWorkers();
      running = workers.run();
    },
    request,
    async login(username, password) {
      const res = await request('POST', '/api/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { token: string }).token;
    },
    async close() {
      await api.close();
      await workers.shutdown();
      await running;
      await connection.close();
      await temporal.close();
      await db.destroy();
    },
  };
}
