import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sweepChart } from './chart';
import type { Level } from './levels';
import { round } from './measure';
import type { Options } from './options';
import { say } from './progress';

/** What a run leaves: a summary per level on stdout, and bench/results/<time>.json (+ .svg for a sweep). */

const ROOT = path.resolve(__dirname, '..');

export function gitInfo() {
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

export function printLevel(l: Level) {
  const perL = (x: number) => (x / Math.max(1, l.temporal.repairsRead)).toFixed(1);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const lines = [
    `concurrency ${l.concurrency}: ${l.completed}/${l.lifecycles} lifecycles in ${l.seconds} s -> ${l.lifecyclesPerSecond} lifecycles/s` +
      (l.errors ? `  (${l.errors} FAILED: ${l.errorSamples[0]})` : ''),
    `  lifecycle          p50 ${ms(l.lifecycleMs.p50Ms)}  p95 ${ms(l.lifecycleMs.p95Ms)}  p99 ${ms(l.lifecycleMs.p99Ms)}`,
    ...Object.values(l.routes).map(
      (r) =>
        `  ${r.route.padEnd(46)} p50 ${ms(r.p50Ms).padStart(7)}  p95 ${ms(r.p95Ms).padStart(7)}  p99 ${ms(r.p99Ms).padStart(7)}  (${r.count})`,
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
      .join(
        ', ',
      )} (window ${l.notifications.windowSeconds} s x ${machineInfo().cores} cores = ${(l.notifications.windowSeconds * os.cpus().length).toFixed(0)} CPU-s available, used by us: ${Object.values(
      l.cpuSeconds.withDrain,
    )
      .reduce((a, b) => a + b, 0)
      .toFixed(1)})`,
    `  peak RSS           API ${l.rss.apiPeakMB} MB, worker ${l.rss.workerPeakMB} MB`,
    `  no-op ceiling      ${l.noopWorkflowsPerSecond} workflows/s -> ratioToNoop ${l.ratioToNoop} (lifecycles/s / no-op workflows/s), workflow tasks ${l.workflowTaskRatioToNoop} of the no-op rate`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** When the run began, as the result records it (the working tree may change while it runs). */
export interface RunStart {
  startedAt: Date;
  loadAtStart: number[];
  git: ReturnType<typeof gitInfo>;
}

/** The result file of a run: the best level's figures at the top, every level in `levels`. */
export async function writeResult(opts: Options, start: RunStart, levels: Level[]): Promise<void> {
  const { startedAt, loadAtStart, git } = start;
  const best = levels.reduce((a, b) => (b.lifecyclesPerSecond > a.lifecyclesPerSecond ? b : a));
  const name = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const result = {
    name,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git: { ...git, note: 'HEAD when the bench started; dirty means the working tree had uncommitted changes, which the processes ran' },
    machine: {
      ...machineInfo(),
      loadAverageAtStart: loadAtStart,
      loadAverageNote: 'os.loadavg() 1/5/15 min at the start and end: other processes on the machine share its cores',
    },
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
      routes:
        'client-side latency of each HTTP call (p50Ms/p95Ms/p99Ms); getRepair is each GET polled while waiting for the automatic assignment',
      notificationsPerMinute:
        'rows added to notifications (created), delivery_logs with status sent (delivered) and outbox_messages, over the window from the first create until deliveries stopped moving',
      workflowTasksPerSecond:
        "WORKFLOW_TASK_COMPLETED events in the histories of the run's repair and notification workflows / the same window",
      activityTasksPerSecond: 'ACTIVITY_TASK_COMPLETED events, likewise',
      noopWorkflowsPerSecond:
        'no-op workflows (one workflow task each) started and awaited by the same number of concurrent callers, completed / s',
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
}
