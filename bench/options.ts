import path from 'node:path';
import { parseArgs } from 'node:util';

export const HELP = `npm run bench -- [options]

Drives N full repair lifecycles (create as a customer -> automatic assignment -> submit ->
approve -> start -> complete) through the HTTP API of the real stack: embedded PostgreSQL and a
Temporal dev server started here, with the API (src/bin/api.ts) and the worker (src/bin/worker.ts)
as two separate processes, all on 127.0.0.1 in a throw-away folder. Then, on the same Temporal
server, runs a no-op workflow from a bench-only worker at the same concurrency (the ceiling).

Options:
  --lifecycles N        lifecycles per concurrency level (default 100)
  --concurrency LIST    lifecycles in flight; a comma list is a sweep, e.g. 1,5,10,20 (default 10)
  --noop N              no-op workflows per level (default 500)
  --warmup N            unmeasured lifecycles before the first level (default 5)
  --poll-ms N           pause between the GETs that wait for assignment (default 20)
  --ses-rate N          SES_RATE_PER_SECOND for the worker's email queue (default 1000, so the
                        SES quota does not cap deliveries; the product default is 14)
  --fleet-users U       add U users (each with email and phone) to the customer, so every customer-facing
                        event fans out to U + 1 recipients, like a fleet (default 0)
  --temporal-db KIND    file (default: SQLite file, like npm start) or memory (in-memory SQLite, like npm test)
  --server-tuning on|off  the dev server's dynamic config from src/embedded/temporal.ts (on, default) or its defaults
  --out DIR             where the JSON (and, for a sweep, the SVG) go (default bench/results)
  --no-save             print only, write nothing
  --cpu-prof DIR        the API and worker write V8 CPU profiles (api.cpuprofile, worker.cpuprofile) to DIR
  --help                this text

Writes <out>/<UTC date-time>.json and, with 2+ levels, <out>/<same name>.svg.`;

/** Also written, as given, into each result's `options` (so its keys are part of the JSON). */
export interface Options {
  lifecycles: number;
  concurrency: number[];
  noop: number;
  warmup: number;
  pollMs: number;
  sesRate: number;
  fleetUsers: number;
  temporalDb: 'file' | 'memory';
  /** The dev server's dynamic config of src/embedded/temporal.ts, or its defaults (to A/B them). */
  serverTuning: 'on' | 'off';
  out: string;
  save: boolean;
  /** Where the API and worker write V8 CPU profiles (--cpu-prof), if anywhere. */
  cpuProf: string | null;
}

/** A whole-number option of any bench script, or an error naming it. */
export const whole = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number >= ${min} (got ${v}; see --help)`);
  return n;
};

/** Runs a bench script's main and exits with its code (a failure printed first). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

function parsed(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        lifecycles: { type: 'string' },
        // An old spelling of --lifecycles, kept so earlier commands still run.
        n: { type: 'string' },
        concurrency: { type: 'string' },
        noop: { type: 'string' },
        warmup: { type: 'string' },
        'fleet-users': { type: 'string' },
        'poll-ms': { type: 'string' },
        'ses-rate': { type: 'string' },
        'temporal-db': { type: 'string' },
        'server-tuning': { type: 'string' },
        out: { type: 'string' },
        'no-save': { type: 'boolean' },
        'cpu-prof': { type: 'string' },
      },
    });
  } catch (err) {
    throw new Error(`${(err as Error).message} (see --help)`);
  }
}

/** The command line as options; `--help` prints the help and exits. */
export function parseOptions(argv: string[]): Options {
  const { values } = parsed(argv);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  const temporalDb = values['temporal-db'] ?? 'file';
  if (temporalDb !== 'file' && temporalDb !== 'memory') throw new Error(`--temporal-db is file or memory (got ${temporalDb})`);
  const serverTuning = values['server-tuning'] ?? 'on';
  if (serverTuning !== 'on' && serverTuning !== 'off') throw new Error(`--server-tuning is on or off (got ${serverTuning})`);
  const lifecycles = values.lifecycles ?? values.n;
  return {
    lifecycles: lifecycles === undefined ? 100 : whole('lifecycles', lifecycles, 1),
    concurrency: values.concurrency === undefined ? [10] : values.concurrency.split(',').map((c) => whole('concurrency', c.trim(), 1)),
    noop: values.noop === undefined ? 500 : whole('noop', values.noop, 1),
    warmup: values.warmup === undefined ? 5 : whole('warmup', values.warmup, 0),
    pollMs: values['poll-ms'] === undefined ? 20 : whole('poll-ms', values['poll-ms'], 0),
    sesRate: values['ses-rate'] === undefined ? 1000 : whole('ses-rate', values['ses-rate'], 1),
    fleetUsers: values['fleet-users'] === undefined ? 0 : whole('fleet-users', values['fleet-users'], 0),
    temporalDb,
    serverTuning,
    out: values.out === undefined ? path.join(__dirname, 'results') : path.resolve(values.out),
    save: !values['no-save'],
    cpuProf: values['cpu-prof'] === undefined ? null : path.resolve(values['cpu-prof']),
  };
}
