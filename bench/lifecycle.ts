import { demoTokens, lifecycle, median, percentile, startStack } from './support';

/**
 * Full repair lifecycles through the HTTP API of the real embedded stack, one after another;
 * prints the median and spread.   npm run bench:lifecycle -- [--runs 50]
 */
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 50 : Number(process.argv[runsFlag + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive whole number');

async function main() {
  const stack = await startStack();
  try {
    const { customer, techs } = await demoTokens(stack);
    const totals: number[] = [];
    const steps: Record<string, number[]> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const out = await fn();
      (steps[name] ??= []).push(performance.now() - t0);
      return out;
    };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await lifecycle(stack, customer, techs, `BENCH-${i % 7}`, timed);
      totals.push(performance.now() - t0);
      process.stderr.write(`\r${i + 1}/${runs}`);
    }
    process.stderr.write('\n');
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`full lifecycle through the API (create → assign → submit → approve → start → complete), ${runs} runs, sequential:`);
    console.log(`  median ${ms(median(totals))}   p95 ${ms(percentile(totals, 95))}   min ${ms(Math.min(...totals))}   max ${ms(Math.max(...totals))}`);
    for (const [name, xs] of Object.entries(steps)) console.log(`  ${name.padEnd(20)} median ${ms(median(xs))}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
