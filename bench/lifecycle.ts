import { parseArgs } from 'node:util';
import type { Step } from './driver';
import { median, percentile, startStack } from './support';

const HELP = `npm run bench:lifecycle -- [options]

Full repair lifecycles through the HTTP API of the real embedded stack, one after another;
prints the median and spread of a lifecycle and the median of each step.

Options:
  --runs N       lifecycles (default 50)
  --poll-ms N    pause between the GETs that wait for assignment (default 20)
  --help         this text`;

function options() {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '50' }, 'poll-ms': { type: 'string', default: '20' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive whole number');
  const pollMs = Number(values['poll-ms']);
  if (!Number.isInteger(pollMs) || pollMs < 0) throw new Error('--poll-ms needs a whole number >= 0');
  return { runs, pollMs };
}

/** The step names this report has always printed; the polls themselves are left out. */
const LABELS: Partial<Record<Step, string>> = {
  create: 'create',
  assignmentWait: 'wait for assignment',
  submit: 'submit',
  approve: 'approve',
  start: 'start',
  complete: 'complete',
};

async function main() {
  const { runs, pollMs } = options();
  const stack = await startStack({}, pollMs);
  try {
    const { customer, techs } = await stack.driver.demoTokens();
    const totals: number[] = [];
    const steps: Record<string, number[]> = {};
    const onTiming = (step: Step, ms: number) => {
      const label = LABELS[step];
      if (label) (steps[label] ??= []).push(ms);
    };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await stack.driver.lifecycle({ customer, techs, unitNumber: `BENCH-${i % 7}`, description: 'bench', onTiming });
      totals.push(performance.now() - t0);
      process.stderr.write(`\r${i + 1}/${runs}`);
    }
    process.stderr.write('\n');
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`full lifecycle through the API (create → assign → submit → approve → start → complete), ${runs} runs, sequential:`);
    console.log(
      `  median ${ms(median(totals))}   p95 ${ms(percentile(totals, 95))}   min ${ms(Math.min(...totals))}   max ${ms(Math.max(...totals))}`,
    );
    for (const [name, xs] of Object.entries(steps)) console.log(`  ${name.padEnd(20)} median ${ms(median(xs))}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
