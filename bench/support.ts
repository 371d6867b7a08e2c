import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../src/db';
import { embeddedDatabaseUrl } from '../src/embedded/postgres';

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

export interface Api {
  <T = Record<string, unknown>>(method: string, route: string, token?: string, body?: unknown): Promise<T>;
}

export interface Stack {
  api: Api;
  db: Db;
  login(username: string): Promise<{ token: string; user: { id: number; technicianId?: number } }>;
  stop(): Promise<void>;
}

/** The real main command (embedded PostgreSQL + Temporal + worker + API) on free ports, in a throw-away folder. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
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
  const base = `http://127.0.0.1:${port}/api`;
  const api: Api = async <T>(method: string, route: string, token?: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  };
  const db = createDb(embeddedDatabaseUrl(pg, 'rsystems'), 2);
  return {
    api,
    db,
    login: (username) => api('POST', '/auth/login', undefined, { username, password: 'demo123' }),
    async stop() {
      await db.destroy();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Repair {
  id: number;
  technicianId: number | null;
  status: string;
}

/** One full lifecycle through the API as the demo accounts: create, wait for assignment, submit, approve, start, complete. */
export async function lifecycle(
  stack: Stack,
  customer: string,
  techTokens: Map<number, string>,
  unitNumber: string,
  timed: <T>(step: string, fn: () => Promise<T>) => Promise<T> = (_s, fn) => fn(),
): Promise<Repair> {
  const { api } = stack;
  const repair = await timed('create', () => api<Repair>('POST', '/repairs', customer, { unitNumber, description: 'bench' }));
  let techId: number | null = null;
  await timed('wait for assignment', async () => {
    while (techId === null) techId = (await api<Repair>('GET', `/repairs/${repair.id}`, customer)).technicianId;
  });
  const tech = techTokens.get(techId as unknown as number) as string;
  await timed('submit', () => api('POST', `/repairs/${repair.id}/submit`, tech, { estimatedCost: 50 }));
  await timed('approve', () => api('POST', `/repairs/${repair.id}/approve`, customer));
  await timed('start', () => api('POST', `/repairs/${repair.id}/start`, tech));
  const done = await timed('complete', () => api<Repair>('POST', `/repairs/${repair.id}/complete`, tech));
  if (done.status !== 'COMPLETED') throw new Error(`repair ${repair.id} ended ${done.status}`);
  return done;
}

export async function demoTokens(stack: Stack): Promise<{ customer: string; techs: Map<number, string> }> {
  const customer = (await stack.login('democustomer')).token;
  const techs = new Map<number, string>();
  for (const name of ['tech1', 'tech2', 'tech3']) {
    const { token, user } = await stack.login(name);
    techs.set(user.technicianId as number, token);
  }
  return { customer, techs };
}
