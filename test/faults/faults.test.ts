import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { inLanes, LifecycleDriver } from '../../bench/driver';
import { cleanupBundle, startFaultStack, type FaultStack } from './stack';
import { expectedPerLifecycle, observe, settled, type Observation } from './verify';

/**
 * Fault injection (`npm run test:faults`): with LIFECYCLES repairs driven through the HTTP API,
 * CONCURRENCY in flight, one fault is injected mid-run; then every repair must be COMPLETED, every
 * notification delivered exactly once per channel its rules allow, no delivery log left pending,
 * and the API must have answered 503 (never another 5xx) while a dependency was down.
 * A fresh stack per scenario; each one is bounded in time and fails with a message when it is not done.
 */
const LIFECYCLES = Number(process.env.FAULTS_LIFECYCLES ?? 200);
const CONCURRENCY = Number(process.env.FAULTS_CONCURRENCY ?? 10);
/** The fault starts when this many lifecycles have finished (the rest are in flight or queued). */
const INJECT_AFTER = Math.max(1, Math.floor(LIFECYCLES * 0.2));
/** The client gives up retrying after this long from the scenario's start. */
const DRIVE_LIMIT_MS = Number(process.env.FAULTS_DRIVE_LIMIT_MS ?? 10 * 60_000);
/** After the client is done, everything must settle within this. */
const SETTLE_LIMIT_MS = Number(process.env.FAULTS_SETTLE_LIMIT_MS ?? 3 * 60_000);
const ONLY = process.env.FAULTS_ONLY?.split(',').map((s) => s.trim());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  name: string;
  title: string;
  env?: Record<string, string>;
  inject(stack: FaultStack): Promise<string>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'worker-kill',
    title: '(a) kill -9 the worker, start a new one',
    async inject(stack) {
      await stack.killWorker();
      await sleep(2_000);
      await stack.startWorker();
      return 'worker killed with SIGKILL, a new one started 2 s later';
    },
  },
  {
    name: 'temporal-restart',
    title: '(b) restart the Temporal dev server (same SQLite file, same port)',
    async inject(stack) {
      await stack.restartTemporal(5_000);
      return 'Temporal stopped, 5 s down, started again on the same file and port';
    },
  },
  {
    name: 'postgres-restart',
    title: '(c) restart PostgreSQL (same data folder, same port)',
    async inject(stack) {
      await stack.restartPostgres(5_000);
      return 'PostgreSQL stopped, 5 s down, started again on the same folder and port';
    },
  },
  {
    name: 'transport-outage',
    title: '(d) the transport fails transiently for 15 s',
    // Long enough a retry budget to outlast the outage (1+2+4+...+64 s); the defaults
    // (3 attempts, 2 s then 4 s) give up after ~6 s and leave the rest to an admin's retry.
    env: { DELIVERY_MAX_ATTEMPTS: '8', DELIVERY_RETRY_INITIAL: '1s' },
    async inject(stack) {
      await writeFile(stack.transportFlag, 'down\n');
      await sleep(15_000);
      await rm(stack.transportFlag, { force: true });
      return 'every send failed (retryable) for 15 s';
    },
  },
];

/** What the client saw: lifecycles it finished, and why the others did not. */
interface Drive {
  completed: number;
  failed: string[];
}

/**
 * Runs `total` lifecycles, `concurrency` at a time, as a sensible client during an outage would:
 * a 503 (or no answer in 20 s) is retried after 1 s. `onProgress` sees the number finished so far
 * (the scenario injects its fault from it).
 */
async function drive(driver: LifecycleDriver, total: number, concurrency: number, onProgress: (done: number) => void): Promise<Drive> {
  const { customer, techs } = await driver.demoTokens();
  const result: Drive = { completed: 0, failed: [] };
  let done = 0;
  await inLanes(total, concurrency, async (i) => {
    const n = i + 1;
    try {
      await driver.lifecycle({ customer, techs, unitNumber: `FLT-${n}`, description: 'fault-injection lifecycle' });
      result.completed++;
    } catch (err) {
      result.failed.push(`lifecycle ${n}: ${(err as Error).message}`);
    }
    onProgress(++done);
  });
  return result;
}

interface Row {
  metric: string;
  expected: string;
  observed: string;
  ok: boolean;
}

const results: { scenario: string; title: string; seconds: number; rows: Row[]; ok: boolean }[] = [];

function table(rows: Row[]): string {
  const w = [
    Math.max(...rows.map((r) => r.metric.length), 6),
    Math.max(...rows.map((r) => r.expected.length), 8),
    Math.max(...rows.map((r) => r.observed.length), 8),
  ];
  const line = (a: string, b: string, c: string, d: string) =>
    `      | ${a.padEnd(w[0] as number)} | ${b.padStart(w[1] as number)} | ${c.padStart(w[2] as number)} | ${d} |`;
  return [
    line('metric', 'expected', 'observed', 'ok'),
    line('-'.repeat(w[0] as number), '-'.repeat(w[1] as number), '-'.repeat(w[2] as number), '--'),
    ...rows.map((r) => line(r.metric, r.expected, r.observed, r.ok ? 'ok' : 'NO')),
  ].join('\n');
}

function rowsFor(o: Observation, driver: LifecycleDriver, drove: Drive, stack: FaultStack): Row[] {
  const per = expectedPerLifecycle();
  const s = driver.statuses;
  const other5xx = [...s.entries()].filter(([k]) => typeof k === 'number' && k >= 500 && k !== 503).reduce((a, [, n]) => a + n, 0);
  const eq = (metric: string, expected: number, observed: number): Row => ({
    metric,
    expected: String(expected),
    observed: String(observed),
    ok: expected === observed,
  });
  const info = (metric: string, observed: number): Row => ({ metric, expected: 'any', observed: String(observed), ok: true });
  return [
    eq('lifecycles finished by the client', LIFECYCLES, drove.completed),
    {
      metric: 'repairs COMPLETED / all repairs',
      expected: `${LIFECYCLES}/${LIFECYCLES}`,
      observed: `${o.repairsCompleted}/${o.repairsTotal}`,
      ok: o.repairsCompleted === LIFECYCLES && o.repairsTotal === LIFECYCLES,
    },
    eq('notifications', LIFECYCLES * per.notifications, o.notifications),
    eq('emails (outbox)', LIFECYCLES * per.email, o.outboxEmail),
    eq('emails the rules allow (from stored notifications)', LIFECYCLES * per.email, o.expectedEmail),
    eq('SMS (outbox)', LIFECYCLES * per.sms, o.outboxSms),
    eq('SMS the rules allow (from stored notifications)', LIFECYCLES * per.sms, o.expectedSms),
    eq('expected deliveries missing from the outbox', 0, o.missing.length),
    eq('expected deliveries without a sent log', 0, o.notLoggedSent.length),
    eq('outbox messages nobody should get', 0, o.unexpected.length),
    eq('duplicates (outbox or sent logs)', 0, o.duplicates.length),
    eq('delivery logs left pending', 0, o.pendingLogs),
    eq('events never dispatched', 0, o.unprocessedEvents),
    eq('HTTP 5xx other than 503', 0, other5xx),
    info('HTTP 503 (retried by the client)', s.get(503) ?? 0),
    info('requests with no answer in 20 s (retried)', s.get('no-answer') ?? 0),
    eq('unexpected answers to moves', 0, driver.surprises.length),
    eq('worker crashes (restarted by the suite)', 0, stack.workerCrashes),
    info('failed delivery attempts (retried)', o.failedLogs),
  ];
}

describe('fault injection', function () {
  after(async () => {
    await cleanupBundle();
    if (results.length === 0) return;
    // Again at the end, together: the dev server's own log lines can come between the scenarios'.
    console.log(`\n  Fault injection summary (${LIFECYCLES} lifecycles, ${CONCURRENCY} in flight, fault after ${INJECT_AFTER})`);
    for (const r of results) {
      console.log(`\n    ${r.ok ? 'PASS' : 'FAIL'} ${r.scenario}: ${r.title} (${r.seconds} s)`);
      console.log(table(r.rows));
    }
  });

  for (const sc of SCENARIOS) {
    const run = !ONLY || ONLY.includes(sc.name) ? it : it.skip;
    run(`${sc.name}: ${sc.title}`, async function () {
      this.timeout(DRIVE_LIMIT_MS + SETTLE_LIMIT_MS + 5 * 60_000);
      const started = Date.now();
      const stack = await startFaultStack(sc.env);
      let keep = false;
      try {
        const driver = new LifecycleDriver({ baseUrl: stack.apiUrl, pollMs: 200, retry503AfterMs: 1000, requestTimeoutMs: 20_000 });
        driver.deadline(started + DRIVE_LIMIT_MS);

        let fault: Promise<string> | undefined;
        let faultAt = 0;
        const drove = await drive(driver, LIFECYCLES, CONCURRENCY, (done) => {
          if (done === INJECT_AFTER && !fault) {
            faultAt = Date.now();
            fault = sc.inject(stack);
          }
        });
        const what = fault ? await fault : 'no fault injected (too few lifecycles)';
        const driven = Date.now();

        // Settle: poll the record until nothing is left to happen, or the bound passes.
        let o = await observe(stack.db);
        while (!settled(o, LIFECYCLES) && Date.now() - driven < SETTLE_LIMIT_MS) {
          await sleep(2_000);
          o = await observe(stack.db).catch(() => o);
        }
        const converged = settled(o, LIFECYCLES);
        const rows = rowsFor(o, driver, drove, stack);
        const seconds = Math.round((Date.now() - started) / 1000);
        const ok = converged && rows.every((r) => r.ok);
        results.push({ scenario: sc.name, title: sc.title, seconds, rows, ok });

        console.log(`\n    ${sc.title}: ${what}`);
        console.log(
          `      fault at ${Math.round((faultAt - started) / 1000)} s, client done at ${Math.round((driven - started) / 1000)} s, ` +
            `${converged ? `settled at ${Math.round((Date.now() - started) / 1000)} s` : `NOT settled ${SETTLE_LIMIT_MS / 1000} s after the client finished`}`,
        );
        console.log(table(rows));
        const detail = [
          ...drove.failed.slice(0, 5),
          ...driver.surprises.slice(0, 5),
          ...o.missing.slice(0, 5).map((p) => `missing ${p}`),
          ...o.duplicates.slice(0, 5).map((p) => `duplicate ${p}`),
          ...o.unexpected.slice(0, 5).map((p) => `unexpected ${p}`),
          `repairs by status: ${JSON.stringify(o.repairsByStatus)}`,
          `statuses seen: ${JSON.stringify(Object.fromEntries(driver.statuses))}`,
        ];
        for (const d of detail) console.log(`      ${d}`);
        if (!ok) {
          keep = true;
          console.log(`      kept for inspection: ${stack.dir}`);
          console.log(`      --- worker log (tail) ---\n${await stack.logTail('worker', 30)}`);
          console.log(`      --- api log (tail) ---\n${await stack.logTail('api', 30)}`);
          console.log(`      --- infra log (tail) ---\n${await stack.logTail('infra', 15)}`);
        }
        assert.ok(converged, `${sc.name}: did not settle within ${SETTLE_LIMIT_MS / 1000} s after the client finished (see the table)`);
        const bad = rows.filter((r) => !r.ok).map((r) => `${r.metric}: expected ${r.expected}, observed ${r.observed}`);
        assert.deepEqual(bad, [], `${sc.name}: violations`);
      } finally {
        await stack.stop(keep);
      }
    });
  }
});
