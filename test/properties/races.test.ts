import assert from 'node:assert/strict';
import { median, runRaces } from './races';

/**
 * The bounded run of the concurrency property: random schedules of concurrent moves, signals,
 * lost replies and a worker restart, checked against the model. The long run is
 * `npm run test:races -- --runs N`; a failure prints the seed that reproduces it there.
 */
describe('property: concurrent moves never break a repair', () => {
  it('holds for random schedules (bounded: about 45 s)', async function () {
    this.timeout(180_000);
    const seed = Date.now() % 2_147_483_647;
    const totals = await runRaces({ runs: 40, repairs: 4, seed, timeLimitMs: 45_000 });
    console.log(
      `      seed ${seed}: ${totals.runs} runs, ${totals.repairSchedules} repair schedules, ${totals.apiCalls} API calls ${JSON.stringify(totals.answers)}, ` +
        `${totals.signals} signals, ${totals.effectiveMoves} moves took effect, ${totals.faultsInjected} faults, ${totals.workerRestarts} worker restarts, median run ${median(totals.runMs)} ms`,
    );
    assert.deepEqual(totals.violations, [], `reproduce: npm run test:races -- --seed ${seed} --repairs 4\n${totals.failure}`);
    assert.equal(totals.failure, undefined);
    assert.ok(totals.runs >= 3, `only ${totals.runs} runs in the time limit`);
  });
});
