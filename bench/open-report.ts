import type { Options } from './open-options';
import type { Figures } from './open-repairs';
import type { Sampler } from './open-measure';

/** The run's figures in a few lines (the JSON has them all). */
export function report(opts: Options, f: Figures) {
  const l = (x: { p50Ms: number; p99Ms: number; count: number }) => `p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms (n=${x.count})`;
  const w = (x: Sampler['window'] extends (...a: never[]) => infer R ? R : never) =>
    x
      ? `worker ${x.worker.percentOfOneCore} % of a core, Temporal server ${x.temporalServer.percentOfOneCore} %, ` +
        `PostgreSQL ${x.postgres.percentOfOneCore} %, worker RSS peak ${x.workerRssMb.peak} MB`
      : 'n/a';
  const r = f.reminders;
  const s = f.stormToRest;
  console.log(
    `\n${opts.repairs} repairs PENDING at once, created at ${f.creation.perSecond}/s in ${f.creation.waves.length} waves (${f.creation.seconds} s)`,
  );
  console.log(`at rest (${f.rest.window?.seconds} s): moves ${l(f.rest.latency.moves)}; ${w(f.rest.window)}`);
  console.log(
    `reminders due ${r.due}: recorded ${r.firstRecorded} → ${r.lastRecorded} (window ${r.firingWindowS} s, first ${r.firstLateS} s after due)`,
  );
  console.log(`  while firing: moves ${l(f.storm.firing.latency.moves)}; ${w(f.storm.firing.window)}`);
  console.log(
    `  until the last reminder was sent (${r.backlogDrainS} s): moves ${l(f.storm.untilLastSent.latency.moves)}; ${w(f.storm.untilLastSent.window)}`,
  );
  console.log(
    `  storm / rest, moves: while firing p50 ${s.firing.moves.p50}x, p99 ${s.firing.moves.p99}x; until sent p50 ${s.untilLastSent.moves.p50}x, p99 ${s.untilLastSent.moves.p99}x (floor 2x)`,
  );
  console.log(
    `  task queue backlog peaks: ${JSON.stringify(f.storm.taskQueueBacklogPeak)}; failed moves (503): rest ${f.rest.latency.moves.failed}, storm ${f.storm.untilLastSent.latency.moves.failed}`,
  );
  console.log(`  per repair: ${JSON.stringify(r.perRepair)}; escalations ${r.escalations}`);
  console.log(
    `SES: max ${f.ses.wholeRun.maxPerSecond} emails/s over the run in one second, ${f.ses.wholeRun.maxPerSecondOver5s}/s over 5 s, ${f.ses.wholeRun.maxPerSecondOver10s}/s over 10 s (limit ${f.ses.ratePerSecond}/s, held every second: ${f.ses.heldEverySecond}, over 10 s: ${f.ses.heldOver10s}); ` +
      `${f.ses.storm.total} emails from the first reminder to the last sent; by attempt start: max ${f.ses.wholeRunByAttemptStart.maxPerSecond}/s, ` +
      `${f.ses.wholeRunByAttemptStart.maxPerSecondOver10s}/s over 10 s`,
  );
  console.log(
    `worker peak RSS ${f.worker.peakRssMb} MB (workflow cache ${f.worker.maxCachedWorkflows ?? f.worker.defaultMaxCachedWorkflows}, the SDK's default here ${f.worker.defaultMaxCachedWorkflows}); load ${JSON.stringify(f.loadAtStart)} → ${JSON.stringify(f.loadAtEnd)}`,
  );
}
