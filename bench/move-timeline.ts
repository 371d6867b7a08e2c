import { temporal } from '@temporalio/proto';
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { demoAccounts, LifecycleDriver, type Step } from './driver';
import { runMain } from './options';
import { Processes } from './processes';

/**
 * Where a move's time goes: drives lifecycles one at a time and prints, per move, the client's
 * wall time beside the server's history events for it (event times relative to the API call).
 * `node --require tsx/cjs bench/move-timeline.ts [lifecycles] [fleetUsers]`
 */
async function main() {
  const n = Number(process.argv[2] ?? 5);
  const fleetUsers = Number(process.argv[3] ?? 10);
  const logger = createLogger('warn', { process: 'bench' });
  installTemporalRuntime(logger);
  const processes = await Processes.create(null);
  try {
    const stack = await processes.start({ temporalDb: 'file', serverTuning: 'on', sesRate: 1000 }, logger);
    const driver = new LifecycleDriver({ baseUrl: stack.apiUrl, pollMs: 20 });
    const { customer, techs } = await demoAccounts(driver, fleetUsers);
    for (let i = 0; i < n; i++) {
      const calls: { step: Step; start: number; ms: number }[] = [];
      const repair = await driver.lifecycle({
        customer,
        techs,
        unitNumber: `T-${i}`,
        description: 'timeline',
        onTiming: (step, ms) => {
          const end = Date.now();
          if (step !== 'getRepair' && step !== 'assignmentWait') calls.push({ step, start: end - ms, ms });
        },
      });
      await new Promise((r) => setTimeout(r, 1500));
      const h = await stack.env.client.workflow.getHandle(`repair-${repair.id}`).fetchHistory();
      const events = (h.events ?? []).map((e) => ({
        id: Number(e.eventId),
        t: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6),
        type: temporal.api.enums.v1.EventType[Number(e.eventType)] ?? String(e.eventType),
        name: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
      }));
      console.log(`\nlifecycle ${i} (repair ${repair.id}), ${events.length} events`);
      for (const c of calls) {
        console.log(`  ${c.step}: ${c.ms.toFixed(0)} ms at the client`);
        for (const e of events.filter((e) => e.t >= c.start - 2 && e.t <= c.start + c.ms + 2).sort((a, b) => a.t - b.t || a.id - b.id)) {
          console.log(`     +${(e.t - c.start).toFixed(0).padStart(4)} ms  #${e.id} ${e.type.replace('EVENT_TYPE_', '')} ${e.name}`);
        }
      }
    }
  } finally {
    await processes.cleanup();
  }
}

runMain(main);
