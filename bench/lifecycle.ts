import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Full repair lifecycles through the HTTP API of the real embedded stack (the main command, on
 * free ports with a throw-away data folder), one after another; prints the median and spread.
 *   npm run bench:lifecycle -- [--runs 50]
 */
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 50 : Number(process.argv[runsFlag + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive whole number');
const ROOT = path.resolve(__dirname, '..');

interface Repair {
  id: number;
  technicianId: number | null;
  status: string;
}
interface Login {
  token: string;
  user: { technicianId?: number };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-bench-'));
  const [port, pg, temporal, ui] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
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
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('is running') && resolve());
    child.once('exit', (code) => reject(new Error(`main exited with ${code}`)));
  });

  try {
    await drive(`http://127.0.0.1:${port}/api`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function drive(base: string) {
  const call = async <T = Repair>(method: string, route: string, token?: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  };
  const login = (username: string) => call<Login>('POST', '/auth/login', undefined, { username, password: 'demo123' });
  const customer = (await login('democustomer')).token;
  const techTokens = new Map<number, string>();
  for (const name of ['tech1', 'tech2', 'tech3']) {
    const { token, user } = await login(name);
    techTokens.set(user.technicianId as number, token);
  }

  const totals: number[] = [];
  const steps: Record<string, number[]> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    (steps[name] ??= []).push(performance.now() - t0);
    return out;
  };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const repair = await timed('create', () => call('POST', '/repairs', customer, { unitNumber: `BENCH-${i % 7}`, description: 'bench' }));
    let techId: number | null = null;
    await timed('wait for assignment', async () => {
      while (techId === null) techId = (await call('GET', `/repairs/${repair.id}`, customer)).technicianId;
    });
    const tech = techTokens.get(techId as unknown as number) as string;
    await timed('submit', () => call('POST', `/repairs/${repair.id}/submit`, tech, { estimatedCost: 50 }));
    await timed('approve', () => call('POST', `/repairs/${repair.id}/approve`, customer));
    await timed('start', () => call('POST', `/repairs/${repair.id}/start`, tech));
    const done = await timed('complete', () => call('POST', `/repairs/${repair.id}/complete`, tech));
    if (done.status !== 'COMPLETED') throw new Error(`repair ${repair.id} ended ${done.status}`);
    totals.push(performance.now() - t0);
    process.stderr.write(`\r${i + 1}/${runs}`);
  }
  process.stderr.write('\n');

  const sorted = [...totals].sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`full lifecycle through the API (create → assign → submit → approve → start → complete), ${runs} runs, sequential:`);
  console.log(`  median ${ms(median(totals))}   p95 ${ms(pct(sorted, 95))}   min ${ms(sorted[0] as number)}   max ${ms(sorted.at(-1) as number)}`);
  for (const [name, xs] of Object.entries(steps)) console.log(`  ${name.padEnd(20)} median ${ms(median(xs))}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
