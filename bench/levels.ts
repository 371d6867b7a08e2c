import { inLanes, type LifecycleDriver, type Step } from './driver';
import { cpuByRole, cpuDelta, dbCounts, historyCounts, round, RssWatch, scrapeServer, stats } from './measure';
import type { Options } from './options';
import type { BenchStack } from './processes';
import { Progress, say, sleep } from './progress';

/**
 * One concurrency level: N lifecycles with C in flight, the delivery drain after them, the
 * histories they left, then N' no-op workflows at the same C (the server's ceiling).
 */

export interface Ctx extends BenchStack {
  opts: Options;
  driver: LifecycleDriver;
  customer: string;
  techs: Map<number, string>;
}

/** Client-side milliseconds per Step, plus `lifecycle` (the whole of each one that completed). */
type Routes = Partial<Record<Step | 'lifecycle', number[]>>;

export async function runLifecycles(ctx: Ctx, n: number, concurrency: number, label: string) {
  const times: Routes = {};
  const ids: number[] = [];
  const created: number[] = [];
  const errors: string[] = [];
  const progress = new Progress(label, n);
  const onTiming = (step: Step, ms: number) => (times[step] ??= []).push(ms);
  const t0 = performance.now();
  await inLanes(n, concurrency, async (i) => {
    const tl = performance.now();
    try {
      const repair = await ctx.driver.lifecycle({
        customer: ctx.customer,
        techs: ctx.techs,
        unitNumber: `BENCH-${i % 50}`,
        description: 'bench',
        onCreated: (id) => created.push(id),
        onTiming,
      });
      ids.push(repair.id);
      (times.lifecycle ??= []).push(performance.now() - tl);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
    progress.tick();
  });
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

export async function runNoop(ctx: Ctx, n: number, concurrency: number, level: number) {
  const progress = new Progress(`no-op workflows, concurrency ${concurrency}`, n);
  const latencies: number[] = [];
  const t0 = performance.now();
  await inLanes(n, concurrency, async (i) => {
    const ts = performance.now();
    await ctx.env.client.workflow.execute('noop', { taskQueue: ctx.noopQueue, workflowId: `bench-noop-${level}-${i}`, args: [] });
    latencies.push(performance.now() - ts);
    progress.tick();
  });
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

export async function level(ctx: Ctx, concurrency: number, index: number) {
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
  const serverOps = [
    'StartWorkflowExecution',
    'UpdateWorkflowExecution',
    'RespondWorkflowTaskCompleted',
    'RespondActivityTaskCompleted',
    'PollWorkflowTaskQueue',
    'PollActivityTaskQueue',
  ];
  const serverMetrics =
    serverBefore && serverAfter
      ? Object.fromEntries(
          serverOps.map((op) => [
            op,
            { total: delta(serverBefore, serverAfter, op), duringLifecycles: delta(serverBefore, serverAtLifecycles, op) },
          ]),
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
    notificationsPerMinute: {
      created: round(created / minutes),
      delivered: round(sent / minutes),
      outboxMessages: round(outbox / minutes),
    },
    temporal: {
      source: "history events of the run's repair-<id> workflows and their notification child workflows (client fetchHistory)",
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
export type Level = Awaited<ReturnType<typeof level>>;
