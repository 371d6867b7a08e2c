import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../bench/support';

/**
 * Property-based fuzzing of the HTTP API against its own OpenAPI document (`npm run fuzz`).
 *
 * Installs schemathesis (pinned) into a virtualenv cached in ~/.cache/rsystems, starts the real
 * embedded stack on free ports with a throw-away data folder, and runs schemathesis against
 * /api/openapi.json once per role (admin, customer, technician, each with its bearer token) and once
 * without a token. Every response is checked: no 5xx, and the body matches the documented schema
 * of its status. Exits 1 when any run finds a failure.
 *
 *   npm run fuzz -- [--max-examples 40] [--seed 1] [--role admin] [--workers 2]
 */

const SCHEMATHESIS_VERSION = '4.32.5';
const CHECKS = ['not_a_server_error', 'response_schema_conformance', 'status_code_conformance', 'content_type_conformance'];
/** A whole role's run is stopped after this long (it normally takes well under a minute). */
const RUN_TIMEOUT_MS = 6 * 60_000;

// Admin goes last: its run deactivates users and changes content, which would blunt the runs after it.
const ROLES = [
  { name: 'anonymous', username: null },
  { name: 'customer', username: 'democustomer' },
  { name: 'technician', username: 'tech1' },
  { name: 'admin', username: 'demoadmin' },
] as const;
/** Operations that end the fuzzer's own session; their tests are in test/api/me.test.ts. */
const EXCLUDED_PATHS = ['/api/auth/logout-all'];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}
function intFlag(name: string, fallback: number): number {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive whole number`);
  return n;
}

const maxExamples = intFlag('max-examples', 40);
const seed = intFlag('seed', 20261130);
const workers = intFlag('workers', 2);
const onlyRole = flag('role');
if (onlyRole && !ROLES.some((r) => r.name === onlyRole)) throw new Error(`--role must be one of ${ROLES.map((r) => r.name).join(', ')}`);

/**
 * The pinned schemathesis in its own virtualenv, outside the clone. It is built in a staging folder
 * and renamed into place only once `--version` answers, so an interrupted install is never reused.
 * Returns the venv's python (schemathesis runs as `python -m schemathesis.cli`, which, unlike the
 * `st` script with its absolute shebang, survives the rename).
 */
function ensureSchemathesis(): string {
  const cache = path.join(process.env.RSYSTEMS_CACHE_DIR ?? path.join(homedir(), '.cache', 'rsystems'));
  const venv = path.join(cache, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const python = (dir: string) => path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const works = (dir: string) =>
    spawnSync(python(dir), ['-m', 'schemathesis.cli', '--version'], { encoding: 'utf8' }).stdout?.includes(SCHEMATHESIS_VERSION) ?? false;
  if (existsSync(venv) && works(venv)) return python(venv);

  mkdirSync(cache, { recursive: true });
  const staging = `${venv}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`fuzz: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
  };
  const basePython = process.env.PYTHON ?? (spawnSync('python3', ['--version']).status === 0 ? 'python3' : 'python');
  console.log(`fuzz: installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  try {
    run(basePython, ['-m', 'venv', staging]);
    run(python(staging), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
    if (!works(staging)) throw new Error('fuzz: the freshly installed schemathesis does not run');
    rmSync(venv, { recursive: true, force: true }); // a broken earlier copy
    renameSync(staging, venv);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (!works(venv)) throw new Error(`fuzz: schemathesis in ${venv} does not run after the install`);
  return python(venv);
}

interface RunResult {
  role: string;
  exitCode: number | null;
  timedOut: boolean;
  requests: number;
  statuses: Record<string, number>;
  testCases: number;
  failures: { title: string; count: number; operations: string[] }[];
  errors: { title: string; count: number }[];
  seconds: number;
}

interface JsonReport {
  test_cases?: { generated?: number };
  failures?: { title: string; count: number; operations: string[] }[];
  errors?: { title: string; count: number }[];
}
interface Har {
  log?: { entries?: { response?: { status?: number } }[] };
}

const readJson = <T>(file: string): T | undefined => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined);

async function runSchemathesis(python: string, baseUrl: string, role: string, token: string | null, reportDir: string): Promise<RunResult> {
  const dir = path.join(reportDir, role);
  mkdirSync(dir, { recursive: true });
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    `${baseUrl}/api/openapi.json`,
    '--url',
    baseUrl,
    '--checks',
    CHECKS.join(','),
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(maxExamples),
    '--seed',
    String(seed),
    '--workers',
    String(workers),
    '--generation-database',
    'none',
    '--request-timeout',
    '30',
    '--no-color',
    '--report',
    'json,har',
    '--report-dir',
    dir,
    '--report-json-path',
    path.join(dir, 'report.json'),
    '--report-har-path',
    path.join(dir, 'requests.har'),
    ...EXCLUDED_PATHS.flatMap((p) => ['--exclude-path', p]),
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  console.log(`\n=== ${role}: schemathesis ${SCHEMATHESIS_VERSION}, ${maxExamples} examples per operation ===`);
  const started = performance.now();
  const child = spawn(python, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, RUN_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);

  const report = readJson<JsonReport>(path.join(dir, 'report.json'));
  const har = readJson<Har>(path.join(dir, 'requests.har'));
  const statuses: Record<string, number> = {};
  for (const entry of har?.log?.entries ?? []) {
    const key = String(entry.response?.status ?? 'none');
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return {
    role,
    exitCode,
    timedOut,
    requests: har?.log?.entries?.length ?? 0,
    statuses,
    testCases: report?.test_cases?.generated ?? 0,
    failures: report?.failures ?? [],
    errors: report?.errors ?? [],
    seconds: (performance.now() - started) / 1000,
  };
}

function summarize(results: RunResult[]): boolean {
  console.log('\n=== fuzz summary ===');
  let ok = true;
  for (const r of results) {
    const failures = r.failures.reduce((n, f) => n + f.count, 0);
    const errors = r.errors.reduce((n, e) => n + e.count, 0);
    const statuses = Object.entries(r.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    const clean = r.exitCode === 0 && !r.timedOut && failures === 0 && errors === 0 && r.requests > 0;
    ok &&= clean;
    console.log(
      `${r.role.padEnd(11)} ${String(r.requests).padStart(5)} requests (${r.testCases} test cases, ${r.seconds.toFixed(0)} s)  ` +
        `${failures} failures, ${errors} errors  ${clean ? 'OK' : 'FAILED'}${r.timedOut ? ' (timed out)' : ''}`,
    );
    console.log(`            statuses: ${statuses || '(none recorded)'}`);
    for (const f of r.failures) console.log(`            - ${f.title} ×${f.count}: ${f.operations.join(', ')}`);
    for (const e of r.errors) console.log(`            - error: ${e.title} ×${e.count}`);
  }
  const total = results.reduce((n, r) => n + r.requests, 0);
  console.log(`total: ${total} requests; ${ok ? 'no 5xx, every response matches its documented schema' : 'FINDINGS above'}`);
  return ok;
}

/**
 * The origin the stack's API listens on. startStack picks the port itself and keeps it inside its
 * `api` helper, so watch one health request go out to learn it.
 */
async function apiOrigin(stack: Stack): Promise<string> {
  const realFetch = globalThis.fetch;
  let seen: string | undefined;
  globalThis.fetch = (input, init) => {
    seen = input instanceof Request ? input.url : String(input);
    return realFetch(input, init);
  };
  try {
    await stack.api('GET', '/health');
  } finally {
    globalThis.fetch = realFetch;
  }
  if (!seen) throw new Error('fuzz: could not learn the API address');
  const origin = new URL(seen);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(origin.hostname)) throw new Error(`fuzz: the API is not on loopback (${origin.host})`);
  return origin.origin;
}

async function main(): Promise<number> {
  const python = ensureSchemathesis();
  const reportDir = mkdtempSync(path.join(tmpdir(), 'rsystems-fuzz-'));
  console.log('fuzz: starting the embedded stack (throw-away data folder, free ports)');
  // 500s are logged by the API at "error"; FUZZ_LOG_LEVEL=error shows their detail while fuzzing.
  let stack: Stack | undefined;
  const stopStack = async () => {
    const s = stack;
    stack = undefined;
    await s?.stop();
  };
  const onSignal = () => void stopStack().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    stack = await startStack({ HOST: '127.0.0.1', LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'fatal' });
    const baseUrl = await apiOrigin(stack);
    const tokens = new Map<string, string | null>();
    for (const role of ROLES) tokens.set(role.name, role.username ? (await stack.login(role.username)).token : null);
    // Something for ids to find: one repair of the demo customer (ids start at 1).
    await stack.api('POST', '/repairs', tokens.get('customer') ?? undefined, { unitNumber: 'FUZZ-1', description: 'fuzz seed repair' });

    const results: RunResult[] = [];
    for (const role of ROLES) {
      if (onlyRole && role.name !== onlyRole) continue;
      results.push(await runSchemathesis(python, baseUrl, role.name, tokens.get(role.name) ?? null, reportDir));
    }
    const ok = summarize(results);
    console.log(`reports (JSON run report and HAR of every request, per role): ${reportDir}`);
    return ok ? 0 : 1;
  } finally {
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
