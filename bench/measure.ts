import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../src/db';
import { Progress } from './progress';
import { percentile } from './support';

/**
 * What a level measures besides the client's own timings: peak memory and CPU of the processes
 * (Linux /proc), rows in the notification tables, the Temporal server's request counters, and
 * the tasks in the histories of the workflows the level started.
 */

/** Kilobytes from /proc/<pid>/status (VmHWM = peak resident set, VmRSS = current). */
export function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
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
export class RssWatch {
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

export async function dbCounts(db: Db) {
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
export async function scrapeServer(metricsUrl: string): Promise<Record<string, number> | null> {
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
export function cpuByRole(): Record<string, number> {
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
export const cpuDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round(v - (a[k] ?? 0), 2)]));

const ET = temporal.api.enums.v1.EventType;

/** Counts the history events of the run's repair workflows and of the notification children they started. */
export async function historyCounts(env: TestWorkflowEnvironment, repairIds: number[]) {
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

export const stats = (xs: number[]) => ({
  count: xs.length,
  p50Ms: round(percentile(xs, 50)),
  p95Ms: round(percentile(xs, 95)),
  p99Ms: round(percentile(xs, 99)),
  meanMs: round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)),
  maxMs: round(Math.max(...xs)),
});
export const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);
