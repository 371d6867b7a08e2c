import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { savePreferences } from '../src/db/queries/preferences';
import { DEFAULT_PREFERENCES } from '../src/domain/notifications/types';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { scheduleDefinitions, SCHEDULE_NAMES } from '../src/temporal/schedules';
import { approveSignal } from '../src/workflows/definitions';
import type { DailyDigestInput, DailyDigestResult } from '../src/workflows/digest';
import type { LocalDigestInput, LocalDigestResult } from '../src/workflows/local-digest';
import { eventually } from '../test/support/eventually';
import { historyToJson } from '../test/support/history-json';
import { insertCustomer, insertUser, PASSWORD } from '../test/support/fixtures';
import { startHarness, type Harness } from '../test/support/harness';
import { stopStack, testLogger } from '../test/support/stack';
import { call, childIds, MESSAGE_CASES, type Case, type World } from './history-cases';

/**
 * Records the workflow histories that test/workflows/replay-fixtures.test.ts replays, so that a
 * change to src/workflows which would break workflows already running in production fails the
 * suite. Re-record only when the old histories may really be dropped (no such workflow is still
 * open anywhere); otherwise keep them beside the new ones, renamed (lifecycle.json to
 * lifecycle.1446976.json, say: the recorder replaces only <case>.json and <case>.child-<n>.json).
 * Every file name must be in the test's EXPECTED list.
 *
 *   node --require tsx/cjs scripts/record-histories.ts [case ...]   (all cases when none is named)
 *
 * Each case runs on the real stack the tests use (embedded PostgreSQL, Temporal dev server, the
 * worker and the API), through the HTTP API as the portals would, and every workflow it caused
 * (the root and the children its history started) is written once closed to
 * test/workflows/fixtures/<case>.json and <case>.child-<n>.json. The repairs' and the schedules'
 * cases are here; those of announcements and account messages in history-cases.ts.
 */

const FIXTURES = path.resolve(__dirname, '../test/workflows/fixtures');

const statusIs = (w: World, id: number, status: string) =>
  eventually(
    async () => ((await call(w, w.admin, 'GET', `/repairs/${id}`)).status === status ? true : undefined),
    `repair ${id} ${status}`,
  );

const assigned = (w: World, id: number) =>
  eventually(async () => (await call(w, w.admin, 'GET', `/repairs/${id}`)).technicianId ?? undefined, `repair ${id} assigned`);

const CASES: Record<string, Case> = {
  // A customer's request, auto-assigned, through every move; SMS and email to verified addresses.
  async lifecycle(w) {
    const r = await call(w, w.customer, 'POST', '/repairs', { unitNumber: 'FX-1', description: 'Star break, passenger side' });
    await assigned(w, r.id);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/submit`, { estimatedCost: 45, notes: 'one chip' });
    await call(w, w.customer, 'POST', `/repairs/${r.id}/approve`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/start`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/complete`);
    return r.workflowId;
  },

  async denied(w) {
    const r = await call(w, w.customer, 'POST', '/repairs', { unitNumber: 'FX-2', description: 'Crack across the driver side' });
    await assigned(w, r.id);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/submit`, { estimatedCost: 60 });
    await call(w, w.customer, 'POST', `/repairs/${r.id}/deny`, { reason: 'The truck is being sold next week' });
    return r.workflowId;
  },

  // An admin's field find whose approval SMS the customer's quiet hours hold: the repair hands it
  // to a child workflow, which sends it when the window ends (after the repair is denied).
  async 'quiet-hours'(w) {
    const r = await call(w, w.admin, 'POST', '/repairs', {
      unitNumber: 'FX-3',
      description: 'Chip found on the lot',
      customerId: w.quietFleetId,
    });
    const handle = w.h.deps.temporal.client.workflow.getHandle(r.workflowId);
    await eventually(async () => ((await childIds(handle)).length > 0 ? true : undefined), 'the hand-off to a delivery workflow');
    await call(w, w.admin, 'POST', `/repairs/${r.id}/deny`, { reason: 'Customer replaces the glass' });
    return r.workflowId;
  },

  // The admin decides from a Temporal client (as from the UI's Signal button), not through the API.
  async 'signal-approve'(w) {
    const r = await call(w, w.admin, 'POST', '/repairs', {
      unitNumber: 'FX-4',
      description: 'Bullseye',
      customerId: w.fleetId,
      technicianId: w.techId,
    });
    await w.h.deps.temporal.client.workflow.getHandle(r.workflowId).signal(approveSignal, { byUserId: w.adminId });
    await statusIs(w, r.id, 'APPROVED');
    await call(w, w.tech, 'POST', `/repairs/${r.id}/start`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/complete`);
    return r.workflowId;
  },

  // Edits between the moves (the customer's while REQUESTED, then staff's) and completion notes.
  async edited(w) {
    const r = await call(w, w.customer, 'POST', '/repairs', { unitNumber: 'FX-6', description: 'Chip' });
    await assigned(w, r.id);
    await call(w, w.customer, 'PATCH', `/repairs/${r.id}`, { description: 'Chip, driver side', damageType: 'chip' });
    await call(w, w.tech, 'POST', `/repairs/${r.id}/submit`, { estimatedCost: 45 });
    await call(w, w.tech, 'PATCH', `/repairs/${r.id}`, { unitNumber: 'FX-6B' });
    await call(w, w.customer, 'POST', `/repairs/${r.id}/approve`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/start`);
    await call(w, w.admin, 'PATCH', `/repairs/${r.id}`, { description: 'Two chips, driver side' });
    await call(w, w.tech, 'POST', `/repairs/${r.id}/complete`, { notes: 'Both chips filled' });
    return r.workflowId;
  },

  // More notifications per dispatch than DELIVERY_INLINE_MAX: each is a delivery workflow of its own.
  async 'fleet-handoff'(w) {
    const r = await call(w, w.admin, 'POST', '/repairs', {
      unitNumber: 'FX-5',
      description: 'Long crack',
      customerId: w.bigFleetId,
      technicianId: w.techId,
    });
    await call(w, w.bigFleetUser, 'POST', `/repairs/${r.id}/approve`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/start`);
    await call(w, w.tech, 'POST', `/repairs/${r.id}/complete`);
    return r.workflowId;
  },

  // Started with the Schedule's own input, as the 09:00 run would be: one digest sent, one empty.
  async digest(w) {
    // A customer of their own: added to another fleet, they would change its dispatches.
    const own = await insertCustomer(w.h.db, 'Digest Fleet');
    const [dina, eli] = [
      await insertUser(w.h.db, 'dina', 'customer', { customerId: own }),
      await insertUser(w.h.db, 'eli', 'customer', { customerId: own }),
    ];
    for (const { userId } of [dina, eli])
      await savePreferences(w.h.db.knex, userId, { ...structuredClone(DEFAULT_PREFERENCES), digestEnabled: true });
    const note = (title: string) => ({
      user_id: dina.userId,
      title,
      message: `${title}.`,
      category: 'repair_status',
      priority: 'MEDIUM',
      is_read: false,
    });
    await w.h.db.knex('notifications').insert([note('Repair FX-1 approved'), note('Work started on FX-1')]);
    // The single-zone daily run the Schedule started before the hourly one (still replayed for runs in flight).
    const n = w.h.config.notifications;
    const input = { timeZone: 'UTC', emailTaskQueue: n.emailTaskQueue, maxAttempts: n.maxAttempts, retryInitialMs: n.retryInitialMs };
    const result = await w.h.deps.temporal.client.workflow.execute<(i: DailyDigestInput) => Promise<DailyDigestResult>>(
      'dailyDigestWorkflow',
      { taskQueue: w.h.config.temporal.taskQueue, workflowId: 'fixture-digest', args: [input] },
    );
    // At least: the local-digest case's users, when recorded at the same time, are digest users too.
    assert.ok(result.sent >= 1 && result.empty >= 1, JSON.stringify(result));
    return 'fixture-digest';
  },

  // The hourly run as the Schedule starts it, at a digest time that is now in Asia/Kolkata: one sent, one empty.
  async 'local-digest'(w) {
    const [lena, leo] = [await insertUser(w.h.db, 'lena', 'customer'), await insertUser(w.h.db, 'leo', 'customer')];
    for (const { userId } of [lena, leo]) {
      await w.h.db.knex('users').where('id', userId).update({ timezone: 'Asia/Kolkata' });
      await savePreferences(w.h.db.knex, userId, { ...structuredClone(DEFAULT_PREFERENCES), digestEnabled: true });
    }
    await w.h.db.knex('notifications').insert({
      user_id: lena.userId,
      title: 'Repair FX-9 approved',
      message: 'Repair FX-9 approved.',
      category: 'repair_status',
      priority: 'MEDIUM',
      is_read: false,
    });
    const def = scheduleDefinitions(w.h.config).find((d) => d.scheduleId.endsWith(SCHEDULE_NAMES.digest));
    assert.ok(def?.action.type === 'startWorkflow');
    const [scheduled] = (def.action.args ?? []) as LocalDigestInput[];
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Kolkata',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date());
    const result = await w.h.deps.temporal.client.workflow.execute<(i: LocalDigestInput) => Promise<LocalDigestResult>>(
      'localDigestWorkflow',
      { taskQueue: def.action.taskQueue, workflowId: 'fixture-local-digest', args: [{ ...(scheduled as LocalDigestInput), time }] },
    );
    assert.deepEqual([result.sent + result.alreadySent, result.empty], [1, 1], JSON.stringify(result));
    return 'fixture-local-digest';
  },

  async cleanup(w) {
    await startScheduled(w, SCHEDULE_NAMES.cleanup, 'fixture-cleanup');
    return 'fixture-cleanup';
  },

  ...MESSAGE_CASES,
};

async function startScheduled(w: World, schedule: string, workflowId: string): Promise<unknown> {
  const def = scheduleDefinitions(w.h.config).find((d) => d.scheduleId.endsWith(schedule));
  assert.ok(def?.action.type === 'startWorkflow', schedule);
  const { workflowType, args, taskQueue } = def.action;
  return w.h.deps.temporal.client.workflow.execute(workflowType as string, { taskQueue, workflowId, args: (args ?? []) as unknown[] });
}

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;

async function setUp(h: Harness): Promise<World> {
  const { userId: adminId } = await insertUser(h.db, 'ada', 'admin');
  const { userId: techUser, technicianId } = await insertUser(h.db, 'theo', 'technician');
  await h.db.models.User.query().patch({ phone: '+15550400001' }).where('id', techUser);
  const phone = (userId: number, p: string) => h.db.models.User.query().patch({ phone: p }).where('id', userId);

  const fleetId = await insertCustomer(h.db, 'Fixture Fleet');
  await phone((await insertUser(h.db, 'cora', 'customer', { customerId: fleetId })).userId, '+15550400002');

  // Quiet hours are HH:MM: a window that began a minute ago and ends at the first minute boundary
  // at least 20 s away, so the held SMS goes out within about a minute and its workflow closes.
  const quietFleetId = await insertCustomer(h.db, 'Quiet Fleet');
  const { userId: quinn } = await insertUser(h.db, 'quinn', 'customer', { customerId: quietFleetId });
  await phone(quinn, '+15550400009');
  const now = new Date();
  const until = new Date(Math.ceil((now.getTime() + 20_000) / 60_000) * 60_000);
  const quietHours = { enabled: true, start: hhmm(new Date(now.getTime() - 60_000)), end: hhmm(until), timezone: 'UTC' };
  await savePreferences(h.db.knex, quinn, { ...structuredClone(DEFAULT_PREFERENCES), quietHours });

  const bigFleetId = await insertCustomer(h.db, 'Big Fleet');
  for (const [name, p] of [
    ['bea', '+15550400003'],
    ['ben', '+15550400004'],
  ] as const) {
    await phone((await insertUser(h.db, name, 'customer', { customerId: bigFleetId })).userId, p);
  }
  return {
    h,
    adminId,
    fleetId,
    quietFleetId,
    bigFleetId,
    admin: await h.login('ada', PASSWORD),
    customer: await h.login('cora', PASSWORD),
    tech: await h.login('theo', PASSWORD),
    techId: technicianId as number,
    bigFleetUser: await h.login('bea', PASSWORD),
    quietHours,
  };
}

/** Waits for the workflow and every child its history started, and writes each closed history. */
async function record(w: World, name: string, rootId: string, commit: string): Promise<string[]> {
  const client = w.h.deps.temporal.client;
  const written: string[] = [];
  const ids = [rootId];
  for (let i = 0; i < ids.length; i++) {
    const handle = client.workflow.getHandle(ids[i] as string);
    await handle.result();
    const { status, type } = await handle.describe();
    assert.equal(status.name, 'COMPLETED', `${ids[i]} ${status.name}`);
    ids.push(...(await childIds(handle)));
    const history = await handle.fetchHistory();
    const file = i === 0 ? `${name}.json` : `${name}.child-${i}.json`;
    const fixture = {
      workflowId: ids[i],
      workflowType: type,
      recordedAt: commit,
      events: history.events?.length ?? 0,
      history: historyToJson(history),
    };
    await writeFile(path.join(FIXTURES, file), JSON.stringify(fixture, null, 1) + '\n');
    written.push(`${file}: ${ids[i]} (${type}), ${fixture.events} events`);
  }
  return written;
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in CASES));
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
  const chosen = names.length > 0 ? names : Object.keys(CASES);
  // The code the histories come from, for whoever reads a fixture later.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8' }).trim();
  const commit =
    git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', '../src/workflows') ? ' + uncommitted src/workflows' : '');

  installTemporalRuntime(testLogger);
  await mkdir(FIXTURES, { recursive: true });
  for (const f of await readdir(FIXTURES)) {
    if (chosen.some((n) => f === `${n}.json` || f.startsWith(`${n}.child-`))) await rm(path.join(FIXTURES, f));
  }
  // A dispatch of two or more notifications (the two-user fleet's, or a field find's approval
  // request with its assignment) goes to a delivery workflow of its own: that path gets recorded too.
  const h = await startHarness({ DELIVERY_INLINE_MAX: '1', DELIVERY_MAX_ATTEMPTS: '3' });
  try {
    const w = await setUp(h);
    // At once, so the quiet-hours wait (up to a minute) overlaps the others.
    const results = await Promise.all(chosen.map(async (n) => record(w, n, await (CASES[n] as Case)(w), commit)));
    for (const line of results.flat()) console.log(line);
  } finally {
    await h.close();
    await stopStack();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
