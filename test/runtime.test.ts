import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db';
import { prepare } from '../src/runtime';
import { createTemporalClient } from '../src/temporal/client';
import { ALL_SEARCH_ATTRIBUTES } from '../src/workflows/definitions';
import { eventually } from './support/eventually';
import { freshDatabase } from './support/harness';
import { freePort, stack, testLogger } from './support/stack';

const ROOT = path.join(__dirname, '..');

interface Child {
  name: string;
  proc: ChildProcess;
  /** Resolves at the process's ready log line; rejects if the process exits before it. */
  ready: Promise<void>;
  output: string[];
}

/** A real deployment process (`src/bin/<bin>.ts`), as docker-compose runs it, logging JSON lines. */
function startBin(name: string, bin: 'api' | 'worker' | 'migrate', env: Record<string, string>, readyMsg: string): Child {
  const proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join('src', 'bin', `${bin}.ts`)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      if (line.includes(`"msg":"${readyMsg}"`)) resolve();
    };
    createInterface({ input: proc.stdout }).on('line', onLine);
    createInterface({ input: proc.stderr }).on('line', onLine);
    proc.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before "${readyMsg}":\n${output.slice(-15).join('\n')}`)),
    );
  });
  ready.catch(() => undefined); // awaited below; an early exit must not be an unhandled rejection meanwhile
  return { name, proc, ready, output };
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A database on the shared PostgreSQL that nothing has migrated (unlike freshDatabase()). */
async function unmigratedDatabase(tag: string): Promise<{ name: string; url: string }> {
  const s = await stack();
  const name = `rs_${tag}_${process.pid}_${Date.now()}`;
  await s.pg.createDatabase(name);
  return { name, url: s.pg.url(name) };
}

async function freshNamespace(address: string): Promise<string> {
  const namespace = `startup-${randomUUID()}`;
  const admin = await Connection.connect({ address });
  try {
    await admin.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await eventually(
      () =>
        admin.operatorService.listSearchAttributes({ namespace }).then(
          () => true,
          () => undefined,
        ),
      'the new namespace to be visible',
    );
  } finally {
    await admin.close();
  }
  return namespace;
}

describe('runtime: API and worker processes started at the same moment', function () {
  this.timeout(120_000);
  const children: Child[] = [];
  let dataDir: string | undefined;

  after(async () => {
    await Promise.all(children.map(stopChild));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('two APIs and a worker on one fresh database and namespace all start; each migration is applied once', async () => {
    const s = await stack();
    const database = await unmigratedDatabase('startup');
    // A namespace of its own, so that the processes also race to register the search attributes.
    const namespace = await freshNamespace(s.temporal.address);
    dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-startup-'));
    const env = (extra: Record<string, string>): Record<string, string> => ({
      PATH: process.env.PATH ?? '',
      HOME: dataDir!,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir!,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: s.temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `startup-${randomUUID()}`,
      NOTIFICATION_EMAIL_TASK_QUEUE: `startup-email-${randomUUID()}`,
      AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
      SCHEDULES_ENABLED: 'false',
      HOST: '127.0.0.1',
      ...extra,
    });

    // Processes spawned together still reach the database some hundreds of milliseconds apart, so
    // left alone they collide only sometimes. To make them meet every time, this session holds an
    // uncommitted CREATE TABLE knex_migrations (as a process half-way through creating it would):
    // every process that gets as far as creating that table waits on it. Once all three wait (on it,
    // or on one another), the gate is rolled back and they go on at the same instant.
    const [port1, port2] = [await freePort(), await freePort()];
    const gate = createDb(database.url, 2);
    const gateTrx = await gate.knex.transaction();
    try {
      await gateTrx.raw('create table knex_migrations (id serial primary key)');
      children.push(
        startBin('api-1', 'api', env({ PORT: String(port1) }), 'API listening'),
        startBin('api-2', 'api', env({ PORT: String(port2) }), 'API listening'),
        startBin('worker', 'worker', env({}), 'worker running'),
      );
      const exited = Promise.race(children.map((c) => c.ready.then(() => new Promise<never>(() => undefined))));
      await Promise.race([
        exited,
        eventually(
          async () => {
            const { rows } = await gate.knex.raw<{ rows: { n: number }[] }>(
              "select count(*)::int as n from pg_stat_activity where datname = ? and wait_event_type = 'Lock'",
              [database.name],
            );
            return rows[0]!.n >= 3 ? true : undefined;
          },
          'all three processes to wait at the gate',
          60_000,
        ),
      ]);
    } finally {
      await gateTrx.rollback();
      await gate.destroy();
    }

    const outcomes = await Promise.allSettled(children.map((c) => c.ready));
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${children[i]!.name}: ${String(o.reason)}`] : []));
    assert.deepEqual(failed, []);

    for (const port of [port1, port2]) {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      assert.equal(res.status, 200, await res.text());
    }
    const db = createDb(database.url, 1);
    try {
      const files = (await readdir(path.join(ROOT, 'migrations'))).filter((f) => /^\d{14}_.+\.ts$/.test(f));
      const rows: { name: string; n: number }[] = await db.knex('knex_migrations').select('name').count({ n: '*' }).groupBy('name');
      assert.equal(rows.length, files.length);
      assert.deepEqual(
        rows.filter((r) => r.n !== 1),
        [],
      );
    } finally {
      await db.destroy();
    }
    const check = await Connection.connect({ address: s.temporal.address });
    try {
      const { customAttributes } = await check.operatorService.listSearchAttributes({ namespace });
      for (const key of ALL_SEARCH_ATTRIBUTES) assert.ok(customAttributes?.[key.name], `search attribute ${key.name} registered`);
    } finally {
      await check.close();
    }
  });
});

describe('runtime: prepare run by several processes at once', () => {
  it('seeds each demo account once (the seed looks before it inserts)', async () => {
    const s = await stack();
    // Migrated beforehand, so that the three reach the seed together instead of one by one.
    const { db: migrated, url } = await freshDatabase();
    await migrated.destroy();
    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: s.temporal.address,
      AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    });
    assert.equal(config.seedDemoAccounts, true);
    // One pool and one Temporal client each, as separate processes would have.
    const processes = [1, 2, 3].map(() => ({
      config,
      db: createDb(url, 2),
      temporal: createTemporalClient(s.temporal.address, config.temporal.namespace),
      logger: testLogger,
    }));
    try {
      const outcomes = await Promise.allSettled(processes.map((deps) => prepare(deps)));
      assert.deepEqual(
        outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : [])),
        [],
      );
      const { rows: users } = await processes[0]!.db.knex.raw<{ rows: { username: string; n: number }[] }>(
        'select username, count(*)::int as n from users group by username order by username',
      );
      assert.deepEqual(
        users,
        ['democustomer', 'demoadmin', 'tech1', 'tech2', 'tech3'].sort().map((username) => ({ username, n: 1 })),
      );
    } finally {
      await Promise.all(processes.map((p) => Promise.all([p.temporal.close(), p.db.destroy()])));
    }
  });
});

describe('runtime: the one-shot migrate command and MIGRATE_ON_START=false (docker-compose)', function () {
  this.timeout(120_000);
  const children: Child[] = [];
  let dataDir: string | undefined;

  after(async () => {
    await Promise.all(children.map(stopChild));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('an API that must not migrate refuses an unmigrated database; after src/bin/migrate it starts', async () => {
    const s = await stack();
    const database = await unmigratedDatabase('migrate');
    dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-migrate-'));
    const env = (extra: Record<string, string>): Record<string, string> => ({
      PATH: process.env.PATH ?? '',
      HOME: dataDir!,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir!,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: s.temporal.address,
      AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
      SEED_DEMO_ACCOUNTS: 'false',
      HOST: '127.0.0.1',
      ...extra,
    });

    const refused = startBin('api-early', 'api', env({ PORT: String(await freePort()), MIGRATE_ON_START: 'false' }), 'API listening');
    children.push(refused);
    await assert.rejects(refused.ready, /migration\(s\) pending .*MIGRATE_ON_START=false/s);
    const db = createDb(database.url, 1);
    try {
      const { rows } = await db.knex.raw<{ rows: { t: string | null }[] }>("select to_regclass('knex_migrations')::text as t");
      assert.equal(rows[0]!.t, null, 'the refused API migrated nothing');

      const migrate = startBin('migrate', 'migrate', env({}), 'migrations applied');
      children.push(migrate);
      await migrate.ready;
      await new Promise((resolve) => (migrate.proc.exitCode !== null ? resolve(undefined) : migrate.proc.once('exit', resolve)));
      assert.equal(migrate.proc.exitCode, 0, migrate.output.join('\n'));
      const files = (await readdir(path.join(ROOT, 'migrations'))).filter((f) => /^\d{14}_.+\.ts$/.test(f));
      const [{ n }] = (await db.knex('knex_migrations').count({ n: '*' })) as [{ n: string }];
      assert.equal(Number(n), files.length);
    } finally {
      await db.destroy();
    }

    const port = await freePort();
    const api = startBin('api', 'api', env({ PORT: String(port), MIGRATE_ON_START: 'false' }), 'API listening');
    children.push(api);
    await api.ready;
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.equal(res.status, 200, await res.text());
  });
});

describe('runtime: the worker serves the Temporal SDK metrics on WORKER_METRICS_PORT', function () {
  this.timeout(120_000);
  let worker: Child | undefined;
  let dataDir: string | undefined;

  after(async () => {
    if (worker) await stopChild(worker);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('as Prometheus text with temporal_ metrics', async () => {
    const s = await stack();
    const { db, url } = await freshDatabase();
    await db.destroy();
    dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-worker-metrics-'));
    const metricsPort = await freePort();
    worker = startBin(
      'worker',
      'worker',
      {
        PATH: process.env.PATH ?? '',
        HOME: dataDir,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        DATABASE_URL: url,
        TEMPORAL_ADDRESS: s.temporal.address,
        TEMPORAL_TASK_QUEUE: `metrics-${randomUUID()}`,
        NOTIFICATION_EMAIL_TASK_QUEUE: `metrics-email-${randomUUID()}`,
        AUTH_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
        SEED_DEMO_ACCOUNTS: 'false',
        SCHEDULES_ENABLED: 'false',
        HOST: '127.0.0.1',
        WORKER_METRICS_PORT: String(metricsPort),
      },
      'worker running',
    );
    await worker.ready;
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(res.status, 200);
      const body = await res.text();
      return /^temporal_\w+(\{[^}]*\})? \S+$/m.test(body) ? body : undefined;
    }, 'temporal_ metrics on the worker metrics port');
    assert.match(text, /^# TYPE temporal_\w+ (counter|gauge|histogram)$/m);
    assert.match(text, /^temporal_\w+\{[^}]*task_queue="metrics-/m, 'labelled by the worker task queue');
  });
});
