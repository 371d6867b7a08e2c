import { WorkflowNotFoundError } from '@temporalio/client';
import type { Move } from '../../src/domain/lifecycle';
import { approveSignal, denySignal } from '../../src/workflows/definitions';
import { checkRepair, type Sent } from './check';
import type { RepairSchedule, RunSchedule } from './schedule';
import { faults, type World } from './world';

const REASON = 'Vehicle sold last week';

export interface RunReport {
  repairs: number;
  /** HTTP status → count, over every API call of the run. */
  answers: Record<number, number>;
  signals: number;
  /** History rows written by moves (not creation). */
  effectiveMoves: number;
  restarts: number;
  violations: string[];
  ms: number;
}

let unit = 0;
let runStarted = 0;

async function createRepair(world: World, s: RepairSchedule): Promise<{ id: number; workflowId: string }> {
  const { h, users, customerId, technicianIds } = world;
  const unitNumber = `PROP-${process.pid}-${++unit}`;
  const res =
    s.origin === 'request'
      ? await h.request('POST', '/api/repairs', { token: users.owner.token, body: { unitNumber, description: 'star break' } })
      : await h.request('POST', '/api/repairs', {
          token: users.admin.token,
          body: { unitNumber, description: 'found on the lot', customerId, technicianId: technicianIds[s.fieldTechnician] },
        });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as number, workflowId: res.body.workflowId as string };
}

/** One repair's schedule: each wave's actions sent at once, waves one after another. */
async function runRepair(world: World, s: RepairSchedule, report: RunReport): Promise<string[]> {
  const { h, users, technicianIds } = world;
  const nextId = Number((await h.db.knex.raw('select last_value + 1 as next from repairs_id_seq')).rows[0].next);
  // Armed by id before creation when asked; a concurrent creation may take the id, which only moves the fault.
  if (s.failAssignment && s.origin === 'request') faults.add(`assignTechnician:${nextId}`);
  const { id, workflowId } = await createRepair(world, s);
  const handle = h.deps.temporal.client.workflow.getHandle(workflowId);
  const sent: Sent[] = [];
  for (const wave of s.waves) {
    if (wave.failAfterCommit) for (const a of wave.actions) if (a.kind === 'api') faults.add(`recordMove:${a.move}:${id}`);
    await Promise.all(
      wave.actions.map(async (a) => {
        if (a.kind === 'signal') {
          report.signals++;
          const input = a.valid
            ? a.move === 'deny'
              ? { reason: REASON }
              : {}
            : a.move === 'deny'
              ? { reason: 'no' }
              : { byUserId: 2_000_000_000 };
          try {
            await handle.signal(a.move === 'deny' ? denySignal : approveSignal, input);
            sent.push({ kind: 'signal', move: a.move, valid: a.valid });
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err; // finished meanwhile: nobody to tell
          }
          return;
        }
        const body = bodyFor(a.move, technicianIds[a.technician ?? 'tech1']);
        const t0 = Date.now();
        const res = await h.request('POST', `/api/repairs/${id}/${a.move}`, { token: users[a.actor].token, body });
        if (res.status >= 500) res.body = { ...res.body, afterMs: Date.now() - t0, atMs: t0 - runStarted };
        report.answers[res.status] = (report.answers[res.status] ?? 0) + 1;
        sent.push({ kind: 'api', move: a.move, actor: a.actor, userId: users[a.actor].id, status: res.status, body: res.body });
      }),
    );
  }
  for (const m of ['submit', 'approve', 'deny', 'start', 'complete', 'assign']) faults.delete(`recordMove:${m}:${id}`);
  const { violations, effectiveMoves } = await checkRepair(world, id, handle, sent);
  report.effectiveMoves += effectiveMoves;
  return violations.map((v) => `repair ${id} (${s.origin}): ${v}`);
}

function bodyFor(move: Move, technicianId: number): Record<string, unknown> {
  if (move === 'deny') return { reason: REASON };
  if (move === 'assign') return { technicianId };
  if (move === 'submit') return { estimatedCost: 45 };
  return {};
}

/** Runs every repair of the schedule at once (and the worker restart, if any), then checks each. */
export async function runSchedule(world: World, schedule: RunSchedule): Promise<RunReport> {
  const started = Date.now();
  runStarted = started;
  const report: RunReport = {
    repairs: schedule.repairs.length,
    answers: {},
    signals: 0,
    effectiveMoves: 0,
    restarts: 0,
    violations: [],
    ms: 0,
  };
  const restart =
    schedule.restartWorkerAt === null
      ? Promise.resolve()
      : new Promise((r) => setTimeout(r, schedule.restartWorkerAt as number)).then(async () => {
          await world.h.restartWorkers();
          report.restarts++;
        });
  const results = await Promise.all([...schedule.repairs.map((s) => runRepair(world, s, report)), restart.then(() => [])]);
  report.violations = results.flat();
  report.ms = Date.now() - started;
  return report;
}
