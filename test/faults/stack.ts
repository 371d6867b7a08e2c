import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb, type Db } from '../../src/db';
import { freePort } from '../support/stack';

/**
 * One scenario's world, every part a separate thing the suite can break:
 * - PostgreSQL (embedded, persistent data folder, fixed port) and the Temporal dev server (SQLite
 *   file, fixed port), run by infra-child.ts, which stops and starts either in place on request;
 * - the API (src/bin/api.ts) and the worker (worker-child.ts) as child processes pointed at them
 *   with DATABASE_URL / TEMPORAL_ADDRESS. Everything binds to 127.0.0.1.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

let bundleFile: Promise<string> | undefined;
/** The workflow bundle, built once per run and shared by every worker child (saves a webpack per start). */
function workflowBundleFile(dir: string): Promise<string> {
  bundleFile ??= (async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietBundlerLogger });
    const file = path.join(dir, 'workflow-bundle.js');
    await writeFile(file, code);
    return file;
  })();
  return bundleFile;
}
let bundleDir: string | undefined;
export async function cleanupBundle(): Promise<void> {
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
}

export interface Child {
  proc: ChildProcess;
  exited: Promise<number | string>;
  logFile: string;
}

export interface FaultStack {
  dir: string;
  apiUrl: string;
  db: Db;
  transportFlag: string;
  /** Unexpected exits of the worker (not the ones the suite caused), restarted like a supervisor would. */
  workerCrashes: number;
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  restartTemporal(downMs: number): Promise<void>;
  restartPostgres(downMs: number): Promise<void>;
  logTail(which: 'api' | 'worker' | 'infra', lines?: number): Promise<string>;
  /** Stops everything; the scenario's folder (logs included) is kept when `keep` is set. */
  stop(keep?: boolean): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every child still alive: killed if the suite's process goes away first (Ctrl-C, mocha's exit). */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of alive) p.kill('SIGKILL');
});

/**
 * Starts a child and waits until `ready()` resolves (the child is killed if it does not, or if it
 * exits first), so a failed start never leaves a process behind.
 */
async function spawnChild(
  entry: string,
  env: Record<string, string>,
  logFile: string,
  ready: (proc: ChildProcess) => Promise<void>,
  args: string[] = [],
): Promise<Child> {
  const out = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, ['--require', 'tsx/cjs', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  proc.stdout?.pipe(out, { end: false });
  proc.stderr?.pipe(out, { end: false });
  alive.add(proc);
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => {
      alive.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  try {
    await Promise.race([
      ready(proc),
      exited.then((code) => {
        throw new Error(`${entry} exited (${code}) before it was ready (log: ${logFile})`);
      }),
    ]);
  } catch (err) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    throw err;
  }
  return { proc, exited, logFile };
}

/** Resolves when the child prints `text` on stdout. */
const printed =
  (text: string, timeoutMs = 120_000) =>
  (proc: ChildProcess) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${text}" after ${timeoutMs} ms`)), timeoutMs);
      let seen = '';
      proc.stdout?.on('data', (b: Buffer) => {
        seen = (seen + b.toString()).slice(-10_000);
        if (seen.includes(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`API not healthy after ${timeoutMs} ms`);
    await sleep(250);
  }
}

export async function startFaultStack(extraEnv: Record<string, string> = {}): Promise<FaultStack> {
  bundleDir ??= await mkdtemp(path.join(tmpdir(), 'rsystems-faults-bundle-'));
  const bundlePromise = workflowBundleFile(bundleDir);
  const dir = await mkdtemp(path.join(tmpdir(), 'rsystems-faults-'));
  const [pgPort, temporalPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);

  let where: { databaseUrl: string; temporalAddress: string } | undefined;
  const infra = await spawnChild(
    'test/faults/infra-child.ts',
    { FAULTS_DIR: dir, FAULTS_PG_PORT: String(pgPort), FAULTS_TEMPORAL_PORT: String(temporalPort) },
    path.join(dir, 'infra.log'),
    (proc) =>
      new Promise<void>((resolve) =>
        proc.on('message', (m: { ready?: boolean; databaseUrl: string; temporalAddress: string }) => {
          if (!m.ready) return;
          where = { databaseUrl: m.databaseUrl, temporalAddress: m.temporalAddress };
          resolve();
        }),
      ),
  );
  const { databaseUrl, temporalAddress } = where as { databaseUrl: string; temporalAddress: string };
  let nextId = 0;
  const command = (cmd: string, downMs: number) =>
    new Promise<void>((resolve, reject) => {
      const id = ++nextId;
      const onMessage = (m: { id?: number; ok?: boolean; error?: string }) => {
        if (m.id !== id) return;
        infra.proc.off('message', onMessage);
        if (m.ok) resolve();
        else reject(new Error(`${cmd} failed: ${m.error}`));
      };
      infra.proc.on('message', onMessage);
      infra.proc.send({ id, cmd, downMs });
    });
  const stopInfra = async () => {
    if (infra.proc.exitCode !== null || infra.proc.signalCode !== null) return;
    infra.proc.kill('SIGTERM');
    const forced = setTimeout(() => infra.proc.kill('SIGKILL'), 30_000);
    await infra.exited;
    clearTimeout(forced);
  };
  const transportFlag = path.join(dir, 'transport-down');

  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    AUTH_TOKEN_SECRET: 'faults-secret-faults-secret-faults-secret-0123',
    SEED_DEMO_ACCOUNTS: 'true',
    SCHEDULES_ENABLED: 'false',
    // 200 lifecycles send ~800 SMS: the monthly budget guard (default $1) would suppress most of them.
    SMS_MONTHLY_BUDGET_USD: '1000000',
    ...extraEnv,
  };

  // The API first: it applies the migrations and seeds the demo accounts, so the worker finds them done.
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = await spawnChild('src/bin/api.ts', env, path.join(dir, 'api.log'), () => waitHealthy(apiUrl, 120_000)).catch(
    async (err: unknown) => {
      await stopInfra();
      throw err;
    },
  );
  const workerArgs = ['--workflow-bundle', await bundlePromise, '--transport-flag', transportFlag];
  const workerLog = path.join(dir, 'worker.log');

  let worker: Child | undefined;
  let stopping = false;
  let expectedExit = false;
  const stack: FaultStack = {
    dir,
    apiUrl,
    db: createDb(databaseUrl, 3),
    transportFlag,
    workerCrashes: 0,
    async startWorker() {
      const child = await spawnChild('test/faults/worker-child.ts', env, workerLog, printed('faults-worker ready'), workerArgs);
      worker = child;
      expectedExit = false;
      void child.exited.then(async (code) => {
        if (stopping || expectedExit || worker !== child) return;
        // Like a process supervisor: count it (the suite reports it) and start another.
        stack.workerCrashes++;
        console.error(`      worker exited unexpectedly (${code}); restarting it`);
        await sleep(1000);
        if (!stopping) await stack.startWorker().catch((err: unknown) => console.error('      worker restart failed:', err));
      });
    },
    async killWorker() {
      if (!worker) return;
      expectedExit = true;
      worker.proc.kill('SIGKILL');
      await worker.exited;
      worker = undefined;
    },
    restartTemporal: (downMs) => command('restart-temporal', downMs),
    restartPostgres: (downMs) => command('restart-postgres', downMs),
    async logTail(which, lines = 40) {
      const text = await readFile(path.join(dir, `${which}.log`), 'utf8').catch(() => '');
      return text.split('\n').slice(-lines).join('\n');
    },
    async stop(keep = false) {
      stopping = true;
      await stack.db.destroy().catch(() => undefined);
      for (const c of [worker, api]) {
        if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
        c.proc.kill('SIGTERM');
        const forced = setTimeout(() => c.proc.kill('SIGKILL'), 20_000);
        await c.exited;
        clearTimeout(forced);
      }
      await stopInfra();
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await stack.startWorker();
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
