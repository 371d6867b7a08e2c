import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, migrateLatest, type Db } from '../src/db';
import { seedDemoAccounts } from '../src/db/seed';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { createLogger } from '../src/logger';
import { hashPassword } from '../src/security/password';
import { gitInfo } from './report';
import { scaleChart } from './scale-chart';
import { scaleCases, type As, type Case, type Samples } from './scale-cases';
import { BLOCK, finishSeed, seedBlocks, type DemoIds } from './scale-seed';
import { freePort, median, percentile } from './support';

const HELP = `npm run bench:scale -- [options]

Seeds one database per size (1× = about 20,000 notifications, 2,000 repairs, 30,000 delivery logs;
10× and 100× add more customers, users and technicians with the same kind of history) on an
embedded PostgreSQL, starts the API on each, and measures p50/p95/p99 of every read route portals
and admins call, the sizes interleaved request by request so the machine's noise falls on all of
them alike; then CSV export rows/s. Prints a table with growth = p99 at the largest size / p99 at 1×.

Options:
  --sizes LIST       multiples of the 1× data (default 1,10,100)
  --requests N       measured requests per route and size in each pass (default 200)
  --passes N         passes; p50/p95/p99 are the medians of the passes' (default 3)
  --warmup N         unmeasured requests per route and size first (default 10)
  --budget-s N       seconds a route may take per size and pass before it stops early (default 20)
  --data-dir DIR     keep the PostgreSQL data here and reuse a seeded size on the next run (new
                     migrations are applied to it); default: a throw-away folder
  --out DIR          where scale-<time>.json and .svg go (default bench/results)
  --routes WHICH     all (default), per-user (only the routes scoped to the caller: more samples in
                     the same time, and no admin-wide scan on the same API between them) or admin
  --no-save          print only
  --help`;

const { values: flags } = parseArgs({
  options: {
    help: { type: 'boolean' },
    sizes: { type: 'string', default: '1,10,100' },
    requests: { type: 'string', default: '200' },
    passes: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '10' },
    'budget-s': { type: 'string', default: '20' },
    'data-dir': { type: 'string' },
    out: { type: 'string', default: path.join(__dirname, 'results') },
    'no-save': { type: 'boolean' },
    routes: { type: 'string', default: 'all' },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const whole = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive whole number (got ${v})`);
  return n;
};
const SIZES = flags.sizes.split(',').map((s) => whole('sizes', s.trim()));
if (SIZES[0] !== 1) throw new Error('--sizes must start with 1 (growth is against 1×)');
const REQUESTS = whole('requests', flags.requests);
const PASSES = whole('passes', flags.passes);
const WARMUP = whole('warmup', flags.warmup);
const BUDGET_MS = whole('budget-s', flags['budget-s']) * 1000;
const ROUTES = flags.routes;
if (!['all', 'per-user', 'admin'].includes(ROUTES)) throw new Error(`--routes must be all, per-user or admin (got ${ROUTES})`);
const ROOT = path.resolve(__dirname, '..');
const TOKEN_SECRET = 'scale-bench-secret-scale-bench-secret-0123';
const log = (...args: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

interface Size {
  k: number;
  db: Db;
  url: string;
  api?: { child: ChildProcess; url: string };
  tokens: Record<As, string>;
  rows: Record<string, number>;
}

/** A fresh database of k blocks, or the one a previous run left (its comment says how many blocks). */
async function prepareSize(pg: Awaited<ReturnType<typeof startEmbeddedPostgres>>, k: number): Promise<Size> {
  const name = `scale_${k}`;
  await pg.createDatabase(name);
  const url = pg.url(name);
  const db = createDb(url, 4);
  const applied = await migrateLatest(db);
  if (applied.length) log(`${name}: migrations applied: ${applied.length}`);
  const comment = await db.knex.raw<{ rows: { c: string | null }[] }>(
    `select shobj_description(oid, 'pg_database') as c from pg_database where datname = ?`,
    [name],
  );
  const seeded = Number(comment.rows[0]?.c ?? 0);
  if (seeded !== k) {
    if (seeded !== 0) throw new Error(`${name} holds ${seeded} blocks, not ${k}: remove --data-dir's folder`);
    await seedDemoAccounts(db, hashPassword);
    const demo = await demoIds(db);
    const t0 = performance.now();
    const step = Math.max(1, Math.min(10, k));
    for (let b = 0; b < k; b += step) {
      await seedBlocks(db.knex, b, Math.min(k, b + step), demo);
      log(`${name}: seeded blocks ${b}..${Math.min(k, b + step) - 1} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await finishSeed(db.knex);
    await db.knex.raw(`comment on database ?? is '${k}'`, [name]);
    log(`${name}: seeded and analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } else if (applied.length) {
    await db.knex.raw('vacuum analyze');
  }
  const rows: Record<string, number> = {};
  for (const t of ['customers', 'users', 'technicians', 'repairs', 'repair_history', 'notifications', 'delivery_logs', 'outbox_messages']) {
    rows[t] = Number((await db.knex(t).count({ n: '*' }))[0]!.n);
  }
  return { k, db, url, tokens: {} as Record<As, string>, rows };
}

async function demoIds(db: Db): Promise<DemoIds> {
  const user = (username: string) => db.knex('users').where({ username }).first<{ id: number }>('id');
  const customerUser = await user('democustomer');
  const technicianUser = await user('tech1');
  const link = await db.knex('customer_users').where({ user_id: customerUser.id }).first<{ customerId: number }>('customer_id');
  const tech = await db.knex('technicians').where({ user_id: technicianUser.id }).first<{ id: number }>('id');
  return {
    customerId: link.customerId,
    customerUserId: customerUser.id,
    technicianId: tech.id,
    technicianUserId: technicianUser.id,
    adminUserId: (await user('demoadmin')).id,
  };
}

async function samplesOf(db: Db): Promise<Samples> {
  const demo = await demoIds(db);
  const repair = await db
    .knex('repairs')
    .where({ customer_id: demo.customerId, status: 'COMPLETED' })
    .orderBy('id', 'desc')
    .first<{ id: number }>('id');
  const notification = await db
    .knex('notifications')
    .where({ repair_id: repair.id, user_id: demo.customerUserId })
    .orderBy('id')
    .first<{ id: number }>('id');
  const batch = await db.knex('repairs').whereNotNull('batch_id').orderBy('id').first<{ batchId: string }>('batch_id');
  const email = await db.knex('users').where({ id: demo.customerUserId }).first<{ email: string }>('email');
  return {
    customerId: demo.customerId,
    technicianId: demo.technicianId,
    adminUserId: demo.adminUserId,
    customerUserId: demo.customerUserId,
    repairId: repair.id,
    notificationId: notification.id,
    recipient: email.email,
    batchId: batch.batchId,
  };
}

async function startApi(size: Size, dataDir: string): Promise<void> {
  const [port, nowhere] = await Promise.all([freePort(), freePort()]);
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'bench/scale-api.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: size.url,
      PORT: String(port),
      // Reads never reach Temporal; its lazy client is pointed at a port nothing listens on.
      TEMPORAL_ADDRESS: `127.0.0.1:${nowhere}`,
      AUTH_TOKEN_SECRET: TOKEN_SECRET,
      DATA_DIR: path.join(dataDir, `api-${size.k}`),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      const m = /scale-api listening (\S+)/.exec(b.toString());
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`scale-api exited with ${code}`)));
  });
  size.api = { child, url };
  for (const [as, username] of [
    ['customer', 'democustomer'],
    ['technician', 'tech1'],
    ['admin', 'demoadmin'],
  ] as const) {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo123' }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    size.tokens[as] = ((await res.json()) as { token: string }).token;
  }
}

async function get(size: Size, c: Case): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${size.api!.url}/api${c.path}`, { headers: { authorization: `Bearer ${size.tokens[c.as]}` } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${c.name} at ${size.k}×: GET ${c.path} answered ${res.status} ${body.slice(0, 300)}`);
  return ms;
}

type Stats = { p50: number; p95: number; p99: number; samples: number };

/** Request by request: route after route, and for each route every size in turn, so noise hits all sizes alike. */
async function measure(sizes: Size[], cases: Case[]): Promise<Map<string, Map<number, Stats>>> {
  const perPass = new Map<string, Map<number, Stats[]>>(cases.map((c) => [c.name, new Map(sizes.map((s) => [s.k, []]))]));
  for (const c of cases) for (const s of sizes) for (let i = 0; i < WARMUP; i++) await get(s, c);
  for (let pass = 1; pass <= PASSES; pass++) {
    const ms = new Map(cases.map((c) => [c.name, new Map(sizes.map((s) => [s.k, [] as number[]]))]));
    const spent = new Map(cases.map((c) => [c.name, new Map(sizes.map((s) => [s.k, 0]))]));
    const t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      for (const c of cases) {
        for (const s of sizes) {
          // A slow admin-wide view stops early (at 30 samples or more) so a pass ends in minutes.
          if (i >= 30 && spent.get(c.name)!.get(s.k)! > BUDGET_MS) continue;
          const t = await get(s, c);
          ms.get(c.name)!.get(s.k)!.push(t);
          spent.get(c.name)!.set(s.k, spent.get(c.name)!.get(s.k)! + t);
        }
      }
      if ((i + 1) % 50 === 0) log(`pass ${pass}: ${i + 1}/${REQUESTS} rounds (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    for (const c of cases) {
      for (const s of sizes) {
        const xs = ms.get(c.name)!.get(s.k)!;
        perPass
          .get(c.name)!
          .get(s.k)!
          .push({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), samples: xs.length });
      }
    }
  }
  const out = new Map<string, Map<number, Stats>>();
  for (const c of cases) {
    const bySize = new Map<number, Stats>();
    for (const s of sizes) {
      const passes = perPass.get(c.name)!.get(s.k)!;
      bySize.set(s.k, {
        p50: median(passes.map((p) => p.p50)),
        p95: median(passes.map((p) => p.p95)),
        p99: median(passes.map((p) => p.p99)),
        samples: passes.reduce((n, p) => n + p.samples, 0),
      });
    }
    out.set(c.name, bySize);
  }
  return out;
}

/** The whole CSV as fast as this client reads it: rows per second (median of three). */
async function csvRate(size: Size, as: As): Promise<{ rows: number; rowsPerSecond: number }> {
  const runs: { rows: number; rate: number }[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const res = await fetch(`${size.api!.url}/api/repairs.csv`, { headers: { authorization: `Bearer ${size.tokens[as]}` } });
    if (res.status !== 200) throw new Error(`repairs.csv at ${size.k}×: ${res.status}`);
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) for (const b of chunk) if (b === 10) lines++;
    const rows = lines - 1;
    runs.push({ rows, rate: rows / ((performance.now() - t0) / 1000) });
  }
  return { rows: runs[0]!.rows, rowsPerSecond: Math.round(median(runs.map((r) => r.rate))) };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const keep = flags['data-dir'] !== undefined;
  const dataDir = keep ? path.resolve(flags['data-dir'] as string) : await mkdtemp(path.join(tmpdir(), 'rsystems-scale-'));
  await mkdir(dataDir, { recursive: true });
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: await freePort(),
    logger: createLogger('silent'),
    persistent: keep,
  });
  const sizes: Size[] = [];
  try {
    for (const k of SIZES) sizes.push(await prepareSize(pg, k));
    for (const s of sizes) log(`${s.k}×: ${JSON.stringify(s.rows)}`);
    for (const s of sizes) await startApi(s, dataDir);
    const samples = await samplesOf(sizes[0]!.db);
    for (const s of sizes.slice(1)) {
      const other = await samplesOf(s.db);
      if (JSON.stringify(other) !== JSON.stringify(samples)) throw new Error(`block 0 differs at ${s.k}×: ${JSON.stringify(other)}`);
    }
    const cases = scaleCases(samples).filter((c) => ROUTES === 'all' || c.perUser === (ROUTES === 'per-user'));
    log(`measuring ${cases.length} routes × ${sizes.length} sizes, ${PASSES} passes of ${REQUESTS} requests`);
    const stats = await measure(sizes, cases);
    const top = SIZES[SIZES.length - 1] as number;
    const routes: Record<string, unknown> = {};
    console.log(`\n${'route'.padEnd(46)} ${SIZES.map((k) => `p99@${k}×`.padStart(10)).join('')}   growth  (p50@1× → p50@${top}×)`);
    for (const c of cases) {
      const bySize = stats.get(c.name)!;
      const growth = bySize.get(top)!.p99 / bySize.get(1)!.p99;
      const per = (f: keyof Stats) => Object.fromEntries(SIZES.map((k) => [String(k), r2(bySize.get(k)![f])]));
      routes[c.name] = {
        path: c.path,
        as: c.as,
        perUser: c.perUser,
        p50Ms: per('p50'),
        p95Ms: per('p95'),
        p99Ms: per('p99'),
        samples: per('samples'),
        growth: r2(growth),
      };
      const flag = c.perUser ? (growth <= 1.5 ? ' ' : '!') : ' ';
      console.log(
        `${flag}${(c.perUser ? '* ' : '  ') + c.name}`.padEnd(47) +
          SIZES.map((k) => `${bySize.get(k)!.p99.toFixed(1)}`.padStart(10)).join('') +
          `   ${growth.toFixed(2).padStart(6)}  (${bySize.get(1)!.p50.toFixed(1)} → ${bySize.get(top)!.p50.toFixed(1)} ms)`,
      );
    }
    const csv: Record<string, Record<string, { rows: number; rowsPerSecond: number }>> = { admin: {}, customer: {} };
    for (const s of sizes) {
      csv.admin![String(s.k)] = await csvRate(s, 'admin');
      csv.customer![String(s.k)] = await csvRate(s, 'customer');
    }
    console.log('\nGET /api/repairs.csv, rows/s (median of 3):');
    for (const as of ['admin', 'customer'] as const) {
      console.log(
        `  ${as.padEnd(9)} ${SIZES.map((k) => `${k}×: ${csv[as]![k]!.rows} rows at ${csv[as]![k]!.rowsPerSecond}/s`).join('; ')}`,
      );
    }
    // The counts the stats answer from must equal a scan at every size (the seed wrote them through the triggers).
    const statsMatchScan: Record<string, boolean> = {};
    for (const s of sizes) {
      const res = await fetch(`${s.api!.url}/api/admin/notifications/stats`, { headers: { authorization: `Bearer ${s.tokens.admin}` } });
      const counted = (await res.json()) as Record<string, number>;
      const scan = await s.db
        .knex('notifications')
        .first<Record<string, number>>(
          s.db.knex.raw(
            "count(*) as total, count(*) filter (where not is_read) as unread, count(*) filter (where priority = 'URGENT') as urgent, " +
              'count(*) filter (where email_sent) as email_sent, count(*) filter (where sms_sent) as sms_sent',
          ),
        );
      statsMatchScan[String(s.k)] = JSON.stringify(counted) === JSON.stringify(scan);
      if (!statsMatchScan[String(s.k)]) console.log(`admin stats at ${s.k}×: ${JSON.stringify(counted)}, a scan: ${JSON.stringify(scan)}`);
    }
    console.log(`admin/notifications/stats equals a scan: ${JSON.stringify(statsMatchScan)}`);
    const perUser = cases.filter((c) => c.perUser).map((c) => (routes[c.name] as { growth: number }).growth);
    const worst = perUser.length ? Math.max(...perUser) : 0;
    console.log(`\nper-user routes (*): worst growth ${worst.toFixed(2)} (floor 1.5): ${worst <= 1.5 ? 'met' : 'NOT met'}`);
    const result = {
      bench: 'scale',
      createdAt: new Date().toISOString(),
      git: gitInfo(),
      machine: {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        node: process.version,
        loadAverageAtEnd: os.loadavg().map(r2),
      },
      options: { sizes: SIZES, requests: REQUESTS, passes: PASSES, warmup: WARMUP, budgetSeconds: BUDGET_MS / 1000, routes: ROUTES },
      sizes: SIZES,
      block: BLOCK,
      rows: Object.fromEntries(sizes.map((s) => [String(s.k), s.rows])),
      notes: [
        'Size k = k blocks; a block is one slice of the business the size of 1×: 50 customers (2 users each), 20 technicians, 1 admin, 2,000 repairs with their history, 20,000 notifications, 30,000 delivery logs, about 9,000 outbox messages.',
        'The business grows by adding customers, users and technicians with a history like the others; block 0 (the measured demo accounts: democustomer, tech1, demoadmin) is the same rows at every size, so a per-user route answers for the same rows at 1× and 100×. A user whose own history grows over the years would see their own count grow; that is not what is measured here.',
        "The technician's list (every REQUESTED repair plus their own) is per-user but its answer grows with the business: the REQUESTED pool is 3% of repairs (60 at 1×, 6,000 at 100×).",
        'Latencies are client-side over HTTP to one API process per size (no Temporal: reads never reach it), one request at a time; the sizes are interleaved request by request; p50/p95/p99 are the medians of the passes.',
        'growth = p99 at the largest size / p99 at 1×. perUser: the answer is scoped to the caller; the floor (growth <= 1.5) applies to those.',
      ],
      routes,
      csvExport: csv,
      statsMatchScan,
      perUserFloor: { max: 1.5, worst: r2(worst), met: worst <= 1.5 },
    };
    if (!flags['no-save']) {
      await mkdir(flags.out, { recursive: true });
      const base = path.join(flags.out, `scale-${result.createdAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}`);
      await writeFile(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
      await writeFile(
        `${base}.svg`,
        scaleChart(
          result.routes as Parameters<typeof scaleChart>[0],
          SIZES,
          `commit ${result.git.commit?.slice(0, 7) ?? '?'}, ${result.createdAt}`,
        ),
      );
      console.log(`\nwrote ${path.relative(process.cwd(), base)}.json and .svg`);
    }
  } finally {
    for (const s of sizes) {
      if (s.api) {
        s.api.child.kill('SIGTERM');
        await new Promise((r) => s.api!.child.once('exit', r));
      }
      await s.db.destroy();
    }
    await pg.stop();
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
