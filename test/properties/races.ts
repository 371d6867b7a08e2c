import fc from 'fast-check';
import { runSchedule, type RunReport } from './run-schedule';
import { runScheduleArb } from './schedule';
import { injected, startWorld, type World } from './world';

export interface RacesOptions {
  runs: number;
  /** Repairs per run, all driven at once. */
  repairs: number;
  seed: number;
  /** Stop starting new runs after this long (the bounded run in npm test). */
  timeLimitMs?: number;
  log?: (line: string) => void;
}

export interface RacesTotals {
  seed: number;
  runs: number;
  repairSchedules: number;
  apiCalls: number;
  answers: Record<number, number>;
  signals: number;
  effectiveMoves: number;
  faultsInjected: number;
  workerRestarts: number;
  violations: string[];
  runMs: number[];
  /** fast-check's report when the property failed (the seed and the schedule that broke it). */
  failure?: string;
}

/** The concurrency property (SPEC, "Concurrency inside one repair") over random schedules. */
export async function runRaces(opts: RacesOptions, given?: World): Promise<RacesTotals> {
  const world = given ?? (await startWorld());
  const totals: RacesTotals = {
    seed: opts.seed,
    runs: 0,
    repairSchedules: 0,
    apiCalls: 0,
    answers: {},
    signals: 0,
    effectiveMoves: 0,
    faultsInjected: 0,
    workerRestarts: 0,
    violations: [],
    runMs: [],
  };
  const before = injected.count;
  const started = Date.now();
  const add = (r: RunReport) => {
    totals.runs++;
    totals.repairSchedules += r.repairs;
    for (const [status, n] of Object.entries(r.answers)) {
      totals.answers[Number(status)] = (totals.answers[Number(status)] ?? 0) + n;
      totals.apiCalls += n;
    }
    totals.signals += r.signals;
    totals.effectiveMoves += r.effectiveMoves;
    totals.workerRestarts += r.restarts;
    totals.violations.push(...r.violations);
    totals.runMs.push(r.ms);
    if (opts.log && totals.runs % 10 === 0) {
      opts.log(`run ${totals.runs}/${opts.runs}: ${totals.repairSchedules} repair schedules, ${totals.violations.length} violations`);
    }
  };
  try {
    const details = await fc.check(
      fc.asyncProperty(runScheduleArb(opts.repairs), async (schedule) => {
        // Past the time limit the remaining runs pass untried: a run is never cut off half-way
        // (fast-check's own interrupt abandons it, still driving the system that is closing).
        if (opts.timeLimitMs !== undefined && Date.now() - started > opts.timeLimitMs) return;
        const report = await runSchedule(world, schedule);
        add(report);
        if (report.violations.length > 0) throw new Error(report.violations.join('\n'));
      }),
      {
        numRuns: opts.runs,
        seed: opts.seed,
        // Each run is seconds of a real system: report the first failing schedule as generated.
        endOnFailure: true,
      },
    );
    if (details.failed) totals.failure = fc.defaultReportMessage(details) ?? `failed with seed ${opts.seed}`;
  } finally {
    totals.faultsInjected = injected.count - before;
    if (!given) await world.h.close();
  }
  return totals;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
