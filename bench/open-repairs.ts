import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import type { Db } from '../src/db';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { inLanes, LifecycleDriver } from './driver';
import { round } from './measure';
import {
  deliveryActivity,
  emailsPerSecond,
  moveStats,
  probeMoves,
  reminderCounts,
  reminderWindow,
  remindersRecorded,
  remindersSent,
  Sampler,
  watchBacklogs,
  type ProbeCtx,
} from './open-measure';
import { Processes, type BenchStack } from './processes';
import { Progress, say, sleep } from './progress';
import { options, type Options } from './open-options';
import { runMain } from './options';
import { report } from './open-report';
import { gitInfo } from './report';

const HOURS_6 = 6 * 3600_000;
/** Settings for an API whose workflows remind after `reminderMs` and never escalate during the run. */
const periods = (reminderMs: number) => ({
  APPROVAL_REMINDER_PERIOD: `${Math.round(reminderMs)}ms`,
  APPROVAL_ESCALATION_PERIOD: `${Math.round(reminderMs + HOURS_6)}ms`,
});
const load = () => os.loadavg().map((x) => round(x, 2));

/** Creates `count` PENDING repairs as the admin, `concurrency` at a time; their ids. */
async function createMany(probe: ProbeCtx, techIds: number[], count: number, concurrency: number, label: string) {
  const ids: number[] = [];
  const progress = new Progress(label, count);
  await inLanes(count, concurrency, async (i) => {
    const r = await probe.driver.ok<{ id: number; status: string }>('POST', '/repairs', probe.admin, {
      customerId: probe.customerId,
      technicianId: techIds[i % techIds.length],
      unitNumber: `OPEN-${i % 97}`,
      description: 'bench:open',
      estimatedCost: 120,
    });
    if (r.status !== 'PENDING') throw new Error(`repair ${r.id} was created ${r.status}`);
    ids.push(r.id);
    progress.tick();
  });
  progress.finish();
  return ids;
}

/** Waits until the delivery log stops growing for `quietMs` with nothing pending (a drained email backlog), or `until`. */
async function waitForQuiet(db: Db, until: number, quietMs = 5_000) {
  let last = await deliveryActivity(db);
  let moved = Date.now();
  while (Date.now() < until && (last.pending > 0 || Date.now() - moved < quietMs)) {
    await sleep(500);
    const now = await deliveryActivity(db);
    if (now.rows !== last.rows) moved = Date.now();
    last = now;
  }
  return last;
}

interface Ctx {
  opts: Options;
  processes: Processes;
  stack: BenchStack;
  probe: ProbeCtx;
  techIds: number[];
}

/** How fast repairs are created, what an API restart takes and how many emails a creation sends: what T is chosen from. */
async function calibrate(ctx: Ctx) {
  const { opts, processes, stack, probe, techIds } = ctx;
  const r0 = Date.now();
  await processes.restartApi(stack.apiUrl, periods(HOURS_6));
  const apiRestartMs = Date.now() - r0;
  const repairs = Math.min(100, Math.max(10, Math.round(opts.repairs / 20)));
  const c0 = Date.now();
  const ids = await createMany(probe, techIds, repairs, opts.concurrency, 'calibration (not in the storm)');
  const createPerS = repairs / ((Date.now() - c0) / 1000);
  await waitForQuiet(stack.db, Date.now() + 120_000);
  const [row] = await stack.db
    .knex('delivery_logs as d')
    .join('notifications as n', 'n.id', 'd.notification_id')
    .whereIn('n.repair_id', ids)
    .where({ 'd.channel': 'email', 'd.status': 'sent' })
    .count<{ n: string }[]>('* as n');
  const emailsPerCreate = Number(row?.n ?? 0) / repairs;
  const waves = Math.ceil(opts.repairs / opts.wave);
  const creationS = (opts.repairs / createPerS) * 1.3 + (waves * apiRestartMs) / 1000;
  const emailDrainS = (opts.repairs * emailsPerCreate) / opts.sesRate;
  const fireInS = opts.fireInS ?? Math.ceil(Math.max(creationS, emailDrainS) + opts.restS + 30);
  say(
    `calibration: ${createPerS.toFixed(1)} creates/s, API restart ${apiRestartMs} ms, ${emailsPerCreate.toFixed(2)} emails per creation; ` +
      `${waves} waves, reminders due in ${fireInS} s (creation ~${creationS.toFixed(0)} s, its emails ~${emailDrainS.toFixed(0)} s at ${opts.sesRate}/s)`,
  );
  return { repairs, createPerS: round(createPerS), apiRestartMs, emailsPerCreate: round(emailsPerCreate, 2), waves, fireInS };
}

/** The waves: each API start sets the period that puts its wave's reminders at T. */
async function createWaves(ctx: Ctx, waves: number, T: number, restartMs: number) {
  const { opts, processes, stack, probe, techIds } = ctx;
  const w0 = Date.now();
  const ids: number[] = [];
  const log: { wave: number; repairs: number; firstCreateAt: string; seconds: number; reminderMs: number }[] = [];
  for (let w = 0; w < waves; w++) {
    const count = Math.min(opts.wave, opts.repairs - ids.length);
    const reminderMs = T - (Date.now() + restartMs);
    if (reminderMs < 10_000) throw new Error(`wave ${w + 1} would start after T: give a larger --fire-in-s`);
    await processes.restartApi(stack.apiUrl, periods(reminderMs));
    const s0 = Date.now();
    ids.push(...(await createMany(probe, techIds, count, opts.concurrency, `wave ${w + 1}/${waves}`)));
    log.push({
      wave: w + 1,
      repairs: count,
      firstCreateAt: new Date(s0).toISOString(),
      seconds: round((Date.now() - s0) / 1000),
      reminderMs,
    });
  }
  const seconds = (Date.now() - w0) / 1000;
  say(`${ids.length} repairs PENDING; reminders due at ${new Date(T).toISOString()} (in ${((T - Date.now()) / 1000).toFixed(0)} s)`);
  if (T - Date.now() < 15_000) say('the waves ran late: little or no time at rest before T');
  return {
    ids,
    figures: { repairs: ids.length, seconds: round(seconds), perSecond: round(ids.length / seconds), waves: log, load: load() },
  };
}

/** Probes from just before T until every reminder is recorded and sent (or 45 minutes). */
async function storm(ctx: Ctx, ids: number[]) {
  say('the storm: probes until every reminder is recorded and sent');
  let done = false;
  const probing = probeMoves(ctx.probe, 'storm', () => done);
  const config = loadConfig();
  const backlogs = watchBacklogs(
    ctx.stack.env,
    { repairs: config.temporal.taskQueue, email: config.notifications.emailTaskQueue },
    () => done,
  );
  const deadline = Date.now() + 45 * 60_000;
  for (const [label, count] of [
    ['reminders recorded', remindersRecorded],
    ['reminders sent', remindersSent],
  ] as const) {
    const progress = new Progress(label, ids.length);
    let seen = 0;
    while (seen < ids.length && Date.now() < deadline) {
      await sleep(1000);
      const now = await count(ctx.stack.db, ids);
      progress.tick(now - seen);
      seen = now;
    }
    progress.finish();
  }
  done = true;
  return { moves: await probing, backlogs: await backlogs };
}

async function run(opts: Options, processes: Processes) {
  const loadAtStart = load();
  const logger = createLogger('warn', { process: 'bench' });
  installTemporalRuntime(logger);
  const stack = await processes.start({ temporalDb: 'file', serverTuning: 'on', sesRate: opts.sesRate }, logger, {
    ...periods(HOURS_6),
    SMS_MONTHLY_BUDGET_USD: String(opts.smsBudgetUsd),
    ...(opts.workerCache !== null ? { WORKER_MAX_CACHED_WORKFLOWS: String(opts.workerCache) } : {}),
  });
  const sampler = new Sampler(stack.workerProc.child.pid!);
  const driver = new LifecycleDriver({ baseUrl: stack.apiUrl, pollMs: 20 });
  const admin = (await driver.login('demoadmin')).token;
  const customer = await driver.login<{ customerId: number }>('democustomer');
  const techIds: number[] = [];
  for (const name of ['tech1', 'tech2', 'tech3']) techIds.push((await driver.login<{ technicianId: number }>(name)).user.technicianId);
  const probe: ProbeCtx = { driver, admin, customerId: customer.user.customerId, technicianId: techIds[0]! };
  const ctx: Ctx = { opts, processes, stack, probe, techIds };

  const calibration = await calibrate(ctx);
  const T = Date.now() + calibration.fireInS * 1000;
  const { ids, figures: creation } = await createWaves(ctx, calibration.waves, T, calibration.apiRestartMs);
  // Probes come from an API whose workflows would remind only in hours (each probe is decided within a second anyway).
  await processes.restartApi(stack.apiUrl, periods(HOURS_6));

  // At rest: the creation's emails drained (or T close), then probes until T.
  const backlogAtRest = await waitForQuiet(stack.db, T - opts.restS * 1000 - 5_000);
  const rest0 = Date.now();
  const restMoves = await probeMoves(probe, 'rest', () => Date.now() > T - 5_000);
  const rest1 = Date.now();
  const rest = {
    pendingDeliveriesAtStart: backlogAtRest.pending,
    window: sampler.window(rest0, rest1),
    load: load(),
    latency: moveStats(restMoves),
  };

  const { moves: stormMoves, backlogs } = await storm(ctx, ids);
  sampler.stop();
  const win = await reminderWindow(stack.db, ids);
  const first = win.first ?? T;
  const last = win.last ?? Date.now();
  const sentAt = win.lastSent ?? Date.now();
  const firing = stormMoves.filter((m) => m.at >= first && m.at <= last);
  const afterFirst = stormMoves.filter((m) => m.at >= first);
  const ses = {
    wholeRun: await emailsPerSecond(stack.db),
    storm: await emailsPerSecond(stack.db, first, sentAt),
    wholeRunByAttemptStart: await emailsPerSecond(stack.db, undefined, undefined, 'created_at'),
  };
  const ratio = (a: ReturnType<typeof moveStats>, k: 'moves' | 'approve' | 'start' | 'complete') => ({
    p50: round(a[k].p50Ms / rest.latency[k].p50Ms, 2),
    p99: round(a[k].p99Ms / rest.latency[k].p99Ms, 2),
  });
  const ratios = (a: ReturnType<typeof moveStats>) =>
    Object.fromEntries((['moves', 'approve', 'start', 'complete'] as const).map((k) => [k, ratio(a, k)])) as Record<
      'moves' | 'approve' | 'start' | 'complete',
      { p50: number; p99: number }
    >;
  return {
    loadAtStart,
    calibration,
    creation,
    rest,
    reminders: {
      due: new Date(T).toISOString(),
      firstRecorded: new Date(first).toISOString(),
      lastRecorded: new Date(last).toISOString(),
      firingWindowS: round((last - first) / 1000),
      firstLateS: round((first - T) / 1000),
      lastSent: new Date(sentAt).toISOString(),
      backlogDrainS: round((sentAt - first) / 1000),
      escalations: win.escalations,
      perRepair: await reminderCounts(stack.db, ids),
    },
    storm: {
      firing: { window: sampler.window(first, last), latency: moveStats(firing) },
      untilLastSent: { window: sampler.window(first, sentAt), latency: moveStats(afterFirst) },
      taskQueueBacklogPeak: backlogs.peak,
      load: load(),
    },
    stormToRest: { firing: ratios(moveStats(firing)), untilLastSent: ratios(moveStats(afterFirst)) },
    worker: {
      peakRssMb: round(Math.max(...sampler.samples.map((s) => s.workerRssMb))),
      defaultMaxCachedWorkflows: defaultCacheSize(),
      maxCachedWorkflows: opts.workerCache ?? defaultCacheSize(),
    },
    ses: {
      ratePerSecond: opts.sesRate,
      ...ses,
      heldEverySecond: ses.wholeRun.maxPerSecond <= opts.sesRate,
      heldOver10s: ses.wholeRun.maxPerSecondOver10s <= opts.sesRate,
    },
    loadAtEnd: load(),
    taskQueueBacklogSeries: backlogs.series,
  };
}

export type Figures = Awaited<ReturnType<typeof run>>;

/** The SDK's default workflow cache size for this machine's heap limit (worker-options.js), which the worker keeps. */
function defaultCacheSize(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

async function main() {
  const opts = options();
  const startedAt = new Date();
  const processes = await Processes.create(null);
  try {
    const figures = await run(opts, processes);
    report(opts, figures);
    if (opts.save) {
      await mkdir(opts.out, { recursive: true });
      const file = path.join(
        opts.out,
        `open-repairs-${startedAt
          .toISOString()
          .replace(/\.\d+Z$/, 'Z')
          .replace(/:/g, '-')}.json`,
      );
      const machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version };
      const options = { ...opts, out: path.relative(path.resolve(__dirname, '..'), opts.out) };
      await writeFile(file, JSON.stringify({ startedAt, options, git: gitInfo(), machine, ...figures }, null, 2) + '\n');
      say(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    say('stopping processes and removing the temp folder');
    await processes.cleanup();
  }
}

runMain(main);
