import os from 'node:os';
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { demoAccounts, LifecycleDriver } from './driver';
import { level, runLifecycles, runNoop, type Ctx, type Level } from './levels';
import { round } from './measure';
import { parseOptions, runMain } from './options';
import { Processes, type BenchStack } from './processes';
import { say } from './progress';
import { gitInfo, printLevel, writeResult } from './report';

/**
 * `npm run bench` (see --help): options (options.ts), the processes it starts (processes.ts),
 * one concurrency level (levels.ts) and its measurements (measure.ts), the result (report.ts),
 * all driving lifecycles through the shared driver (driver.ts).
 */

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  // At the start: the worker and API load the working tree as it is now (others may commit meanwhile).
  const start = { startedAt: new Date(), loadAtStart: os.loadavg().map((x) => round(x, 2)), git: gitInfo() };
  const logger = createLogger('warn', { process: 'bench' });
  installTemporalRuntime(logger);
  const processes = await Processes.create(opts.cpuProf);
  try {
    const stack: BenchStack = await processes.start(opts, logger);
    // A benchmark's 503 is a failed lifecycle, not something to retry: no retry option here.
    const driver = new LifecycleDriver({ baseUrl: stack.apiUrl, pollMs: opts.pollMs });
    const ctx: Ctx = { ...stack, opts, driver, ...(await demoAccounts(driver, opts.fleetUsers)) };

    if (opts.warmup) {
      const w = await runLifecycles(ctx, opts.warmup, 1, 'warm-up lifecycles (not measured)');
      if (w.errors.length) throw new Error(`warm-up failed: ${w.errors[0]}`);
      await runNoop(ctx, Math.min(20, opts.noop), 1, -1);
    }
    const levels: Level[] = [];
    for (const [i, c] of opts.concurrency.entries()) {
      const l = await level(ctx, c, i);
      printLevel(l);
      levels.push(l);
    }
    await writeResult(opts, start, levels);
    if (levels.some((l) => l.errors > 0)) process.exitCode = 1;
  } finally {
    say('stopping processes and removing the temp folder');
    await processes.cleanup();
  }
}

runMain(main);
