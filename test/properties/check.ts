import type { WorkflowHandle } from '@temporalio/client';
import { EVENT_RULES, type EventType } from '../../src/domain/events';
import { isFinished, nextStatus, type Move } from '../../src/domain/lifecycle';
import { SA, stateQuery } from '../../src/workflows/definitions';
import { deliveryPairs, eventsOf, typed, type Row, type StoredNotification } from './effects';
import type { Actor } from './schedule';
import type { World } from './world';

export type Sent =
  | { kind: 'api'; move: Move; actor: Actor; userId: number; status: number; body: { status?: string; error?: { message?: string } } }
  | { kind: 'signal'; move: 'approve' | 'deny'; valid: boolean };

const ALLOWED = new Set([200, 403, 404, 409]);
const UNHANDLED_COMMAND = 1; // WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
/** Longer than any recovery the system owes: a lost task's timeout (10 s here) and its retry, twice. */
const SETTLE_MS = 45_000;

const pendingOf = (raw: {
  pendingWorkflowTask?: unknown;
  pendingActivities?: Array<{ activityType?: { name?: string | null } | null; attempt?: number | null; state?: unknown }> | null;
}) =>
  [
    raw.pendingWorkflowTask ? 'a workflow task' : '',
    ...(raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} attempt ${a.attempt} state ${String(a.state)}`),
  ]
    .filter(Boolean)
    .join(', ');

function timeline(events: Array<{ eventTime?: { seconds?: unknown; nanos?: number | null } | null; eventType?: unknown }>): string {
  const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  const t0 = events[0] ? at(events[0]) : 0;
  return events.map((e) => `${at(e) - t0}ms:${String(e.eventType).replace('EVENT_TYPE_', '')}`).join(' ');
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The SPEC's property for one repair, once its moves settle: the answers, the workflow, the
 * history chain, agreement of database, workflow and search attribute, and exactly the events,
 * notifications and sends the moves that took effect imply.
 */
export async function checkRepair(
  world: World,
  id: number,
  handle: WorkflowHandle,
  sent: Sent[],
): Promise<{ violations: string[]; effectiveMoves: number }> {
  const { db } = world.h;
  const k = db.knex;
  const v: string[] = [];

  for (const s of sent) {
    if (s.kind !== 'api') continue;
    if (!ALLOWED.has(s.status)) v.push(`${s.actor} ${s.move} answered ${s.status}: ${JSON.stringify(s.body)}`);
    // A customer's user who may not see the repair learns nothing: 404 where customers may move
    // (approve, deny), the route's role refusal elsewhere, whatever the repair.
    const strangerAnswer = s.move === 'approve' || s.move === 'deny' ? 404 : 403;
    if (s.actor === 'stranger' && s.status !== strangerAnswer) v.push(`a stranger's ${s.move} answered ${s.status}, not ${strangerAnswer}`);
  }

  // Settled: the workflow agrees with the database, and every notification and claim is done.
  let lastProblem = '';
  const deadline = Date.now() + SETTLE_MS;
  let observed: Awaited<ReturnType<typeof observe>> | undefined;
  for (;;) {
    observed = await observe();
    lastProblem = observed.problem;
    if (!lastProblem || Date.now() > deadline) break;
    await wait(200);
  }
  if (lastProblem) v.push(`did not settle in ${SETTLE_MS} ms: ${lastProblem}`);
  const { rows, repairStatus, described } = observed;
  const history = await handle.fetchHistory();

  if (described.status.name === 'FAILED' || described.status.name === 'TERMINATED') v.push(`workflow ${described.status.name}`);
  for (const e of history.events ?? []) {
    const failed = e.workflowTaskFailedEventAttributes;
    // UnhandledCommand is the server's normal answer to a workflow that tried to finish while a
    // signal came in: the next task handles the signal first. Any other failure is a fault.
    if (failed && Number(failed.cause) !== UNHANDLED_COMMAND)
      v.push(`a workflow task failed (${failed.cause}): ${failed.failure?.message}`);
  }

  // The history is a chain of the state machine, starting at creation.
  if (rows[0]?.move !== 'create') v.push('history does not start with create');
  for (let i = 1; i < rows.length; i++) {
    const [prev, row] = [rows[i - 1]!, rows[i]!];
    if (row.fromStatus !== prev.toStatus) v.push(`row ${i} (${row.move}) from ${row.fromStatus} after ${prev.toStatus}`);
    const to = row.move === 'assign' ? row.fromStatus : nextStatus(row.move as Move, row.fromStatus as never);
    if (to !== row.toStatus) v.push(`row ${i}: ${row.move} from ${row.fromStatus} to ${row.toStatus} is not a move`);
  }
  if (rows.at(-1)?.toStatus !== repairStatus) v.push(`repair is ${repairStatus}, history ends ${rows.at(-1)?.toStatus}`);

  // Each 200 is one history row of that move by that user; nothing else by that user.
  const moves = rows.slice(1);
  for (const s of sent) {
    if (s.kind !== 'api' || s.status !== 200) continue;
    if (!moves.some((r) => r.move === s.move && r.byUserId === s.userId && r.toStatus === s.body.status)) {
      v.push(`${s.actor}'s ${s.move} answered 200 (${s.body.status}) with no such history row`);
    }
  }
  for (const [move, userId] of [...new Set(moves.filter((r) => r.byUserId !== null).map((r) => `${r.move}:${r.byUserId}`))].map((x) =>
    x.split(':'),
  )) {
    const rowsBy = moves.filter((r) => r.move === move && r.byUserId === Number(userId)).length;
    const oks = sent.filter((s) => s.kind === 'api' && s.status === 200 && s.move === move && s.userId === Number(userId)).length;
    if (rowsBy !== oks) v.push(`${rowsBy} ${move} row(s) by user ${userId}, ${oks} answered 200`);
  }
  for (const move of ['approve', 'deny'] as const) {
    const bySignal = moves.filter((r) => r.move === move && r.byUserId === null && r.role === 'admin').length;
    const valid = sent.filter((s) => s.kind === 'signal' && s.move === move && s.valid).length;
    if (bySignal > valid) v.push(`${bySignal} ${move} row(s) by signal, ${valid} valid signal(s) sent`);
  }
  // A loser's 409 names the state that won: one the repair really was in.
  const statuses = new Set(rows.map((r) => r.toStatus));
  for (const s of sent) {
    if (s.kind !== 'api' || s.status !== 409) continue;
    const named = /(?:that is|is) ([A-Z_]+)/.exec(s.body.error?.message ?? '')?.[1];
    if (!/workflow has finished/.test(s.body.error?.message ?? '') && (named === undefined || !statuses.has(named))) {
      v.push(`${s.actor}'s ${s.move} 409 names no state the repair was in: ${s.body.error?.message}`);
    }
  }
  const fromSeen = new Set<string>();
  for (const r of moves.filter((m) => m.move !== 'assign')) {
    if (fromSeen.has(r.fromStatus as string)) v.push(`two moves took effect from ${r.fromStatus}`);
    fromSeen.add(r.fromStatus as string);
  }

  // Exactly the events the rows imply, each naming the right technician.
  const events = await typed<{ id: number; dedupeKey: string; type: EventType; payload: { technicianId?: number | null } }>(
    k('notification_events').where('repair_id', id).select('id', 'dedupe_key', 'type', 'payload'),
  );
  const expectedKeys = new Map<string, number | null>();
  rows.forEach((row, i) => {
    for (const e of eventsOf(row, rows[i - 1])) expectedKeys.set(`${row.moveId}/${e.type}`, e.technicianId);
  });
  for (const e of events) {
    if (!expectedKeys.has(e.dedupeKey)) v.push(`unexpected event ${e.dedupeKey}`);
    else if ((e.payload.technicianId ?? null) !== expectedKeys.get(e.dedupeKey))
      v.push(`event ${e.dedupeKey} names technician ${e.payload.technicianId}`);
  }
  for (const key of expectedKeys.keys()) if (!events.some((e) => e.dedupeKey === key)) v.push(`missing event ${key}`);

  // One notification per event and recipient; each of its channels sent once if the rules allow, else never.
  const notifications = await typed<StoredNotification>(
    k('notifications').where('repair_id', id).select('id', 'event_id', 'user_id', 'priority', 'category', 'channels'),
  );
  for (const e of events) {
    const expected = EVENT_RULES[e.type].recipients === 'customer_users' ? 2 : e.payload.technicianId == null ? 0 : 1;
    const got = notifications.filter((n) => n.eventId === e.id).length;
    if (got !== expected) v.push(`${got} notification(s) of ${e.dedupeKey}, expected ${expected}`);
  }
  const pairs = await deliveryPairs(world, notifications);
  v.push(...pairs.problems);

  if (isFinished(repairStatus as never) && described.status.name !== 'COMPLETED' && !lastProblem)
    v.push(`repair ${repairStatus}, workflow ${described.status.name}`);
  // A slow answer is explained by the workflow's timeline: what it waited for, and how long.
  if (sent.some((s) => s.kind === 'api' && s.status >= 500)) v.push(`timeline: ${timeline(history.events ?? [])}`);
  return { violations: v, effectiveMoves: moves.length };

  /** One look at the repair; the cheap questions first, as this is polled until everything agrees. */
  async function observe() {
    const described = await handle.describe();
    // Quiet: no workflow task and no activity pending, so every accepted signal has been handled.
    const busy = Boolean(described.raw.pendingWorkflowTask) || (described.raw.pendingActivities?.length ?? 0) > 0;
    const rows = (await db.models.RepairHistory.query().where('repairId', id).orderBy('id')) as unknown as Row[];
    const repair = (await db.models.Repair.query().findById(id))!;
    const repairStatus = repair.status as string;
    if (busy) return { rows, repairStatus, described, problem: `workflow busy (${pendingOf(described.raw)})` };
    // A closed workflow answers with its result rather than a query (which would replay it).
    const state = described.status.name === 'COMPLETED' ? await handle.result() : await handle.query(stateQuery);
    const attr = described.typedSearchAttributes.get(SA.RepairStatus);
    const [open] = await typed<{ n: string }>(k('notification_events').where('repair_id', id).whereNull('processed_at').count({ n: '*' }));
    const notifications = await typed<StoredNotification>(
      k('notifications').where('repair_id', id).select('id', 'event_id', 'user_id', 'priority', 'category', 'channels'),
    );
    const problems = (await deliveryPairs(world, notifications)).problems;
    const problem = [
      state.status !== repairStatus ? `workflow ${state.status}, database ${repairStatus}` : '',
      attr !== repairStatus ? `RepairStatus ${attr}, database ${repairStatus}` : '',
      Number(open?.n) > 0 ? `${open?.n} event(s) not dispatched` : '',
      // Technicians are always active here, so a request is always assigned in the end.
      repairStatus === 'REQUESTED' && repair.technicianId === null ? 'not assigned yet' : '',
      isFinished(repairStatus as never) && described.status.name === 'RUNNING' ? 'finished repair, workflow still running' : '',
      ...problems.slice(0, 3),
    ]
      .filter(Boolean)
      .join('; ');
    return { rows, repairStatus, described, problem };
  }
}
