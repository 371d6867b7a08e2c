import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../src/db';
import { embeddedDatabaseUrl } from '../src/embedded/postgres';
import { LifecycleDriver } from './driver';

const ROOT = path.resolve(__dirname, '..');

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

export interface Stack {
  driver: LifecycleDriver;
  db: Db;
  /** The main command's process (API and worker): what a bench reads memory figures of. */
  pid: number;
  /** The API's origin, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The body of a 2xx answer, else an error naming the call (scripts/fuzz.ts seeds with it). */
  api<T = Record<string, unknown>>(method: string, route: string, token?: string, body?: unknown): Promise<T>;
  login(username: string): Promise<{ token: string; user: { id: number; technicianId?: number } }>;
  stop(): Promise<void>;
}

/**
 * The real main command (embedded PostgreSQL + Temporal + worker + API) on free ports, in a
 * throw-away folder, with a lifecycle driver pointed at its API that polls every `pollMs`.
 */
export async function startStack(env: Record<string, string> = {}, pollMs = 20): Promise<Stack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-bench-'));
  const [port, pg, temporal, ui] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const child: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => b.toString().includes('is running') && resolve());
    child.once('exit', (code) => reject(new Error(`main exited with ${code}`)));
  });
  const db = createDb(embeddedDatabaseUrl(pg, 'rsystems'), 2);
  const driver = new LifecycleDriver({ baseUrl: `http://127.0.0.1:${port}`, pollMs });
  return {
    driver,
    db,
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    api: (method, route, token, body) => driver.ok(method, route, token, body),
    login: (username) => driver.login(username),
    async stop() {
      await db.destroy();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
