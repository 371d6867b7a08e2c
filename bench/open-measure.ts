import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../src/db';
import type { LifecycleDriver } from './driver';
import { cpuByRole, procStatusKb, round, stats } from './measure';

/**
 * What `bench:open` measures: the processes' CPU and memory sampled every second, moves of probe
 * repairs timed one at a time, and what the database says about the reminders and their emails.
 */

interface Sample {
  at: number;
  cpu: Record<string, number>;
  workerRssMb: number;
}

/** CPU seconds per role (cpuByRole) and the worker's RSS, every second, so any window can be read afterwards. */
export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout;
  constructor(private readonly workerPid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }
  private sample() {
    this.samples.push({ at: Date.now(), cpu: cpuByRole(), workerRssMb: (procStatusKb(this.workerPid, 'VmRSS') ?? 0) / 1024 });
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
  }
  /** CPU (seconds and % of one core) of the worker, the Temporal server and PostgreSQL, and the worker's peak RSS, over [from, to]. */
  window(from: number, to: number) {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to);
    const first = inside[0];
    const last = inside.at(-1);
    if (!first || !last || last.at === first.at) return null;
    const seconds = (last.at - first.at) / 1000;
    const cpu = (role: string) => {
      const s = (last.cpu[role] ?? 0) - (first.cpu[role] ?? 0);
      return { cpuS: round(s, 2), percentOfOneCore: round((100 * s) / seconds) };
    };
    return {
      seconds: round(seconds),
      worker: cpu('worker'),
      temporalServer: cpu('temporalServer'),
      postgres: cpu('postgres'),
      api: cpu('api'),
      bench: cpu('bench'),
      workerRssMb: {
        start: round(first.workerRssMb),
        peak: round(Math.max(...inside.map((s) => s.workerRssMb))),
        end: round(last.workerRssMb),
      },
    };
  }
}

export interface MoveTiming {
  /** Date.now() when the answer came. */
  at: number;
  move: 'create' | 'approve' | 'start' | 'complete';
  ms: number;
  /** The answer's status: a 503 is a move that did not finish within the API's deadline (MOVE_DEADLINE_MS). */
  status: number | 'no-answer';
}

export interface ProbeCtx {
  driver: LifecycleDriver;
  admin: string;
  customerId: number;
  technicianId: number;
}

/**
 * One probe repair after another, each created PENDING by the admin and moved approve → start →
 * complete, until `stop()` says so. A probe is approved within a second, so its own reminder never fires.
 */
export async function probeMoves(ctx: ProbeCtx, label: string, stop: () => boolean, pauseMs = 100): Promise<MoveTiming[]> {
  const out: MoveTiming[] = [];
  const call = async (move: MoveTiming['move'], route: string, body?: unknown) => {
    const res = await ctx.driver.call('POST', route, ctx.admin, body);
    out.push({ at: Date.now(), move, ms: res.ms, status: res.status });
    if (res.status === 200 || res.status === 201) return res.body as { id: number };
    // Kept as a data point (its time is what the caller waited), and this probe is given up.
    if (res.status !== 503 && res.status !== 'no-answer')
      throw new Error(`${label} probe ${move}: ${res.status} ${JSON.stringify(res.body)}`);
    return null;
  };
  for (let i = 0; !stop(); i++) {
    const repair = await call('create', '/repairs', {
      customerId: ctx.customerId,
      technicianId: ctx.technicianId,
      unitNumber: `PROBE-${label}-${i % 20}`,
      description: 'bench:open probe',
      estimatedCost: 40,
    });
    for (const move of ['approve', 'start', 'complete'] as const)
      if (!repair || !(await call(move, `/repairs/${repair.id}/${move}`))) break;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return out;
}

/** Latency per move and of all three moves together (creates apart), failed answers (503 at the deadline) included with their time. */
export function moveStats(timings: MoveTiming[]) {
  const of = (pick: (t: MoveTiming) => boolean) => {
    const picked = timings.filter(pick);
    return { ...stats(picked.map((t) => t.ms)), failed: picked.filter((t) => t.status !== 200 && t.status !== 201).length };
  };
  return {
    moves: of((t) => t.move !== 'create'),
    approve: of((t) => t.move === 'approve'),
    start: of((t) => t.move === 'start'),
    complete: of((t) => t.move === 'complete'),
    create: of((t) => t.move === 'create'),
  };
}

/** Rows of the delivery log and how many are pending: while an email backlog drains at the SES rate, the first grows every second. */
export async function deliveryActivity(db: Db): Promise<{ rows: number; pending: number }> {
  const r = await db.knex('delivery_logs').select(db.knex.raw("count(*) as rows, count(*) filter (where status = 'pending') as pending"));
  const row = r[0] as { rows: string; pending: string } | undefined;
  return { rows: Number(row?.rows ?? 0), pending: Number(row?.pending ?? 0) };
}

/** Storm repairs whose reminder has been sent on some channel. */
export async function remindersSent(db: Db, repairIds: number[]): Promise<number> {
  const rows = await db
    .knex('delivery_logs as d')
    .join('notifications as n', 'n.id', 'd.notification_id')
    .join('notification_events as e', 'e.id', 'n.event_id')
    .where({ 'e.type': 'approval_reminder', 'd.status': 'sent' })
    .whereIn('e.repair_id', repairIds)
    .countDistinct<{ n: string }[]>('e.repair_id as n');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Reminder events, notifications and sent deliveries per storm repair: one event, one notification
 * (the demo customer has one user) and one sent delivery each. A reminder is HIGH (SMS + in-app);
 * its SMS held back by the month's budget goes by email instead, so the delivery is on either channel.
 */
export async function reminderCounts(db: Db, repairIds: number[]) {
  const { rows } = await db.knex.raw<{ rows: Record<string, string | null>[] }>(
    `with r as (select unnest(?::int[]) as repair_id),
     ev as (select repair_id, count(*) as n from notification_events
            where type = 'approval_reminder' and repair_id = any(?::int[]) group by repair_id),
     nt as (select e.repair_id, count(*) as n from notifications n join notification_events e on e.id = n.event_id
            where e.type = 'approval_reminder' and e.repair_id = any(?::int[]) group by e.repair_id),
     dl as (select e.repair_id, count(*) filter (where d.channel = 'email') as email, count(*) filter (where d.channel = 'sms') as sms
            from delivery_logs d join notifications n on n.id = d.notification_id join notification_events e on e.id = n.event_id
            where e.type = 'approval_reminder' and e.repair_id = any(?::int[]) and d.status = 'sent' group by e.repair_id)
     select
       count(*) filter (where coalesce(ev.n, 0) = 1) as events_exactly_one,
       count(*) filter (where coalesce(ev.n, 0) = 0) as events_none,
       count(*) filter (where coalesce(ev.n, 0) > 1) as events_more,
       count(*) filter (where coalesce(nt.n, 0) = 1) as notifications_exactly_one,
       count(*) filter (where coalesce(nt.n, 0) <> 1) as notifications_other,
       count(*) filter (where coalesce(dl.email, 0) + coalesce(dl.sms, 0) = 1) as delivered_exactly_once,
       count(*) filter (where coalesce(dl.email, 0) + coalesce(dl.sms, 0) = 0) as delivered_none,
       count(*) filter (where coalesce(dl.email, 0) + coalesce(dl.sms, 0) > 1) as delivered_more,
       sum(coalesce(dl.email, 0)) as emails_sent, sum(coalesce(dl.sms, 0)) as sms_sent
     from r left join ev using (repair_id) left join nt using (repair_id) left join dl using (repair_id)`,
    [repairIds, repairIds, repairIds, repairIds],
  );
  const row = rows[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([key, v]) => [key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), Number(v ?? 0)]),
  );
}

/** When the storm repairs' reminders were recorded, and when their last email and SMS went. */
export async function reminderWindow(db: Db, repairIds: number[]) {
  const { rows } = await db.knex.raw<{ rows: { first: Date | null; last: Date | null; lastSent: Date | null; escalations: string }[] }>(
    `select (select min(created_at) from notification_events where type = 'approval_reminder' and repair_id = any(?::int[])) as first,
            (select max(created_at) from notification_events where type = 'approval_reminder' and repair_id = any(?::int[])) as last,
            (select max(d.updated_at) from delivery_logs d join notifications n on n.id = d.notification_id
               join notification_events e on e.id = n.event_id
               where e.type = 'approval_reminder' and e.repair_id = any(?::int[]) and d.status = 'sent') as "lastSent",
            (select count(*) from notification_events where type = 'approval_escalation' and repair_id = any(?::int[])) as escalations`,
    [repairIds, repairIds, repairIds, repairIds],
  );
  const r = rows[0]!;
  return {
    first: r.first?.getTime() ?? null,
    last: r.last?.getTime() ?? null,
    lastSent: r.lastSent?.getTime() ?? null,
    escalations: Number(r.escalations),
  };
}

/** Reminder events recorded so far for these repairs. */
export async function remindersRecorded(db: Db, repairIds: number[]): Promise<number> {
  const rows = await db
    .knex('notification_events')
    .where('type', 'approval_reminder')
    .whereIn('repair_id', repairIds)
    .count<{ n: string }[]>('* as n');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Emails sent (delivery logs of channel email, status sent, by the second the answer was recorded,
 * `updated_at`, or the attempt began just before the call, `created_at`), over
 * [from, to] or the whole run: the most in one calendar second, and the most per second over any
 * 5 and 10 consecutive seconds (a token bucket lets a burst through after a quiet spell).
 */
export async function emailsPerSecond(db: Db, from?: number, to?: number, column: 'updated_at' | 'created_at' = 'updated_at') {
  const q = db
    .knex('delivery_logs')
    .select(db.knex.raw(`extract(epoch from date_trunc('second', ${column}))::bigint as s`))
    .count<{ s: string; n: string }[]>('* as n')
    .where({ channel: 'email', status: 'sent' })
    .groupBy('s');
  if (from !== undefined) q.where(column, '>=', new Date(from));
  if (to !== undefined) q.where(column, '<=', new Date(to));
  const per = new Map((await q).map((r) => [Number(r.s), Number(r.n)]));
  const seconds = [...per.keys()];
  const total = [...per.values()].reduce((a, b) => a + b, 0);
  const over = (k: number) => {
    let best = 0;
    for (const start of seconds) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += per.get(start + i) ?? 0;
      best = Math.max(best, sum / k);
    }
    return round(best, 1);
  };
  return { secondsWithSends: seconds.length, total, maxPerSecond: over(1), maxPerSecondOver5s: over(5), maxPerSecondOver10s: over(10) };
}

const TQ = temporal.api.enums.v1.TaskQueueType;

/**
 * The server's approximate backlog of the task queues every 2 s until `stop()`: workflow and
 * activity tasks of the repairs queue, activity tasks of the email queue. Their peaks and series.
 */
export async function watchBacklogs(env: TestWorkflowEnvironment, queues: { repairs: string; email: string }, stop: () => boolean) {
  const series: { at: string; repairsWorkflow: number; repairsActivity: number; emailActivity: number }[] = [];
  const backlog = async (name: string, taskQueueType: temporal.api.enums.v1.TaskQueueType) => {
    const r = await env.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name },
      taskQueueType,
      reportStats: true,
    });
    return Number(r.stats?.approximateBacklogCount ?? 0);
  };
  while (!stop()) {
    try {
      const [repairsWorkflow, repairsActivity, emailActivity] = await Promise.all([
        backlog(queues.repairs, TQ.TASK_QUEUE_TYPE_WORKFLOW),
        backlog(queues.repairs, TQ.TASK_QUEUE_TYPE_ACTIVITY),
        backlog(queues.email, TQ.TASK_QUEUE_TYPE_ACTIVITY),
      ]);
      series.push({ at: new Date().toISOString(), repairsWorkflow, repairsActivity, emailActivity });
    } catch {
      // a slow answer under load: the next round tries again
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const peak = (k: 'repairsWorkflow' | 'repairsActivity' | 'emailActivity') => Math.max(0, ...series.map((s) => s[k]));
  return {
    peak: { repairsWorkflow: peak('repairsWorkflow'), repairsActivity: peak('repairsActivity'), emailActivity: peak('emailActivity') },
    series,
  };
}
