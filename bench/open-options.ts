import path from 'node:path';
import { parseArgs } from 'node:util';
import { whole } from './options';

const HELP = `npm run bench:open -- [options]

N repairs PENDING at once on the real stack (embedded PostgreSQL, the Temporal dev server on a SQLite
file, the worker and the API as processes), created by an admin through POST /api/repairs, each with
its approval reminder and escalation timers armed; then their reminders firing together. The
reminder fires APPROVAL_REMINDER_PERIOD after each workflow starts, and that period is the API's
setting when it starts the workflow: so the repairs are created in waves, each by an API process
started with the period that makes its wave's reminders fire at one moment T. Probe repairs are
moved (approve, start, complete) one at a time at rest (before T) and during the storm.

Options:
  --repairs N          repairs PENDING at once (default 5000)
  --wave N             repairs per wave, i.e. per API start (default 500; the reminders of a wave
                       fire over about as long as the wave took to create)
  --concurrency C      creations in flight (default 16)
  --ses-rate N         SES_RATE_PER_SECOND (default 14, the SES production quota of a new account)
  --sms-budget-usd N   SMS_MONTHLY_BUDGET_USD (default 0: the month's budget spent, so every non-urgent
                       SMS goes by email, as it does in production after about 155 SMS at the $1
                       default; the local transport records no SMS cost, so otherwise the budget never
                       runs out here and reminders, HIGH priority = SMS + in-app, send no email)
  --rest-s N           seconds of probe moves at rest (default 60)
  --worker-cache N     WORKER_MAX_CACHED_WORKFLOWS for the worker (default: unset, the SDK's heap-sized
                       default, which is below 5,000 here: evicted repairs are replayed on their reminder)
  --fire-in-s N        T, in seconds after the waves start (default: estimated from a calibration)
  --out DIR            where the JSON goes (default bench/results)
  --no-save            print only
  --help               this text`;

export type Options = ReturnType<typeof options>;

export function options() {
  const { values } = parseArgs({
    options: {
      repairs: { type: 'string', default: '5000' },
      wave: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '16' },
      'ses-rate': { type: 'string', default: '14' },
      'rest-s': { type: 'string', default: '60' },
      'sms-budget-usd': { type: 'string', default: '0' },
      'fire-in-s': { type: 'string' },
      'worker-cache': { type: 'string' },
      out: { type: 'string', default: path.join(__dirname, 'results') },
      'no-save': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  const n = (v: string, name: string) => whole(name, v, 1);
  const budget = (v: string) => {
    const x = Number(v);
    if (!(x >= 0)) throw new Error('--sms-budget-usd needs a number >= 0');
    return x;
  };
  return {
    repairs: n(values.repairs, 'repairs'),
    wave: n(values.wave, 'wave'),
    concurrency: n(values.concurrency, 'concurrency'),
    sesRate: n(values['ses-rate'], 'ses-rate'),
    restS: n(values['rest-s'], 'rest-s'),
    smsBudgetUsd: budget(values['sms-budget-usd']),
    fireInS: values['fire-in-s'] === undefined ? null : n(values['fire-in-s'], 'fire-in-s'),
    workerCache: values['worker-cache'] === undefined ? null : n(values['worker-cache'], 'worker-cache'),
    out: path.resolve(values.out),
    save: !values['no-save'],
  };
}
