import { parseArgs } from 'node:util';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { median, runRaces } from '../test/properties/races';
import { stopStack, testLogger } from '../test/support/stack';

/**
 * The long run of the concurrency property (test/properties): `npm run test:races -- --runs N`.
 * Each run drives `--repairs` repairs at once with random concurrent moves, signals, lost replies
 * and worker restarts on the real stack, then checks each against the model. Prints its figures;
 * exits 1 on any violation, with the seed that reproduces it.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100' },
      repairs: { type: 'string', default: '10' },
      seed: { type: 'string', default: String(Date.now() % 2_147_483_647) },
    },
  });
  const [runs, repairs, seed] = [Number(values.runs), Number(values.repairs), Number(values.seed)];
  for (const [name, n] of Object.entries({ runs, repairs, seed })) {
    if (!Number.isSafeInteger(n) || n < (name === 'seed' ? 0 : 1)) throw new Error(`--${name} must be a whole number`);
  }
  installTemporalRuntime(testLogger);
  const started = Date.now();
  console.log(`races: ${runs} runs of ${repairs} repairs, seed ${seed}`);
  const t = await runRaces({ runs, repairs, seed, log: (line) => console.log(`  ${line}`) });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const answers = Object.entries(t.answers)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  console.log(
    [
      '',
      `seed                    ${t.seed}`,
      `runs                    ${t.runs}`,
      `repair schedules        ${t.repairSchedules}`,
      `API calls               ${t.apiCalls} (${answers})`,
      `signals                 ${t.signals}`,
      `moves that took effect  ${t.effectiveMoves}`,
      `faults injected         ${t.faultsInjected} (activity failed after its commit)`,
      `worker restarts         ${t.workerRestarts}`,
      `run time                median ${median(t.runMs)} ms, total ${minutes} min`,
      `violations              ${t.violations.length}`,
      ...t.violations.slice(0, 20).map((v) => `  ${v}`),
    ].join('\n'),
  );
  if (t.failure) console.log(`\n${t.failure}\nreproduce: npm run test:races -- --seed ${seed} --repairs ${repairs}`);
  return t.violations.length === 0 && !t.failure ? 0 : 1;
}

// Exits explicitly: the embedded PostgreSQL's exit hooks would otherwise end the process with 0.
void main()
  .catch((err: unknown) => {
    console.error(err);
    return 1;
  })
  .then(async (code) => {
    await stopStack();
    process.exit(code);
  });
