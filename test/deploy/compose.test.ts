import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadConfig } from '../../src/config';

const projectRoot = path.resolve(__dirname, '../..');

/**
 * Variables of .env.example that docker-compose.yml deliberately does not pass, and why. Everything
 * else a deployment may set must reach the api or the worker.
 */
const NOT_IN_COMPOSE: Record<string, string> = {
  EMBEDDED_PG_PORT: 'embedded PostgreSQL of `npm start` only; compose runs its own postgres service',
  TEMPORAL_PORT: 'embedded Temporal dev server of `npm start` only; compose runs the temporal service',
  TEMPORAL_UI_PORT: 'embedded Temporal dev server of `npm start` only; compose runs temporal-ui',
  TEMPORAL_CLI_PATH: 'locates the embedded dev server binary; never used with TEMPORAL_ADDRESS set',
  SEED_DEMO_ACCOUNTS: 'development only: the config refuses it in production',
  SNS_CERT_CA_FILE: 'trusts a fake SNS certificate authority, for tests only; a deployment trusts the system CAs',
  ADMIN_PASSWORD:
    'one command only, given per run (`docker-compose run --rm -e ADMIN_PASSWORD api … create-admin`, README); in compose it would sit in every container environment',
};

/** Set by docker-compose.yml to a fixed value: part of how the stack is wired, not a deployment choice. */
const FIXED_IN_COMPOSE: Record<string, string> = {
  MIGRATE_ON_START: 'false', // the one-shot migrate service applies the migrations
};

/** Every variable .env.example documents, commented-out (`# VAR=`) ones included. */
function envExampleVariables(): string[] {
  const text = readFileSync(path.join(projectRoot, '.env.example'), 'utf8');
  return [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string);
}

/** The `environment:` mapping of one service block of `docker-compose config` output. */
function serviceEnvironment(block: string): Record<string, string> {
  const lines = block.split('\n');
  const start = lines.indexOf('    environment:');
  if (start === -1) return {};
  const env: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {6}([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/.exec(line);
    if (!m) break;
    const raw = m[2] as string;
    env[m[1] as string] = /^'.*'$/.test(raw)
      ? raw.slice(1, -1).replace(/''/g, "'")
      : /^".*"$/.test(raw)
        ? (JSON.parse(raw) as string)
        : raw;
  }
  return env;
}
const secretEnv = { ...process.env, AUTH_TOKEN_SECRET: 'x'.repeat(40) };

let composeOnPath: boolean | undefined;
function hasCompose(): boolean {
  composeOnPath ??= !spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).error;
  return composeOnPath;
}

/** The `docker-compose config` section of one service (its lines up to the next top-level or service key). */
function serviceBlock(config: string, name: string): string {
  const lines = config.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  assert.notEqual(start, -1, `service ${name} not found in:\n${config}`);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

describe('docker-compose.yml', function () {
  this.timeout(30_000);

  // A developer's .env would feed variables into interpolation; an empty one keeps the run hermetic.
  let tmp: string;
  let emptyEnvFile: string;
  before(function () {
    tmp = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
    emptyEnvFile = path.join(tmp, 'empty.env');
    writeFileSync(emptyEnvFile, '');
  });
  after(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  const compose = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync('docker-compose', ['--env-file', emptyEnvFile, '-f', 'docker-compose.yml', ...args], {
      cwd: projectRoot,
      env,
      encoding: 'utf8',
    });

  it('is valid for docker-compose', function () {
    if (!hasCompose()) this.skip();
    const result = compose(['config', '-q'], secretEnv);
    assert.equal(result.status, 0, `docker-compose config -q failed:\n${result.stderr}`);
  });

  it('defines the six services and gives the app the database and Temporal addresses', function () {
    if (!hasCompose()) this.skip();
    const result = compose(['config'], secretEnv);
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'migrate', 'api', 'worker']) {
      assert.match(result.stdout, new RegExp(`^  ${name}:$`, 'm'), `service ${name} missing`);
    }
    for (const name of ['api', 'worker']) {
      const block = serviceBlock(result.stdout, name);
      assert.match(block, /DATABASE_URL: postgres:\/\/\S+@postgres:5432\//, `${name} lacks DATABASE_URL`);
      assert.match(block, /TEMPORAL_ADDRESS: temporal:7233/, `${name} lacks TEMPORAL_ADDRESS`);
    }
  });

  it('refuses to start without AUTH_TOKEN_SECRET', function () {
    if (!hasCompose()) this.skip();
    const env = { ...process.env };
    delete env.AUTH_TOKEN_SECRET;
    const result = compose(['config', '-q'], env);
    assert.notEqual(result.status, 0, 'docker-compose config -q should fail without AUTH_TOKEN_SECRET');
    assert.match(result.stderr, /AUTH_TOKEN_SECRET/);
  });

  it('passes every deployment variable of .env.example to the api or the worker', function () {
    if (!hasCompose()) this.skip();
    const all = envExampleVariables();
    for (const name of [...Object.keys(NOT_IN_COMPOSE), ...Object.keys(FIXED_IN_COMPOSE)]) {
      assert.ok(all.includes(name), `${name} is listed as an exception but .env.example no longer has it`);
    }
    const passed = all.filter((name) => !(name in NOT_IN_COMPOSE) && !(name in FIXED_IN_COMPOSE));
    // A distinct value for each: it must arrive unchanged (a hard-coded value in compose would not).
    // (PORT is also the published port, which must be a number.)
    const marked = Object.fromEntries(passed.map((name) => [name, name === 'PORT' ? '3999' : `set-${name.toLowerCase()}`]));
    const result = compose(['config'], { ...secretEnv, ...marked });
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
    const api = serviceEnvironment(serviceBlock(result.stdout, 'api'));
    const worker = serviceEnvironment(serviceBlock(result.stdout, 'worker'));
    const missing = passed.filter((name) => api[name] !== marked[name] && worker[name] !== marked[name]);
    assert.deepEqual(missing, [], 'variables of .env.example that docker-compose.yml does not pass through');
    for (const name of Object.keys(NOT_IN_COMPOSE)) {
      assert.equal(api[name] ?? worker[name], undefined, `${name} should not be in compose (${NOT_IN_COMPOSE[name]})`);
    }
    for (const [name, value] of Object.entries(FIXED_IN_COMPOSE)) {
      assert.equal(api[name], value, `api ${name}`);
      assert.equal(worker[name], value, `worker ${name}`);
    }
  });

  it('gives the api, the worker and migrate a valid configuration when nothing but the secret is set', function () {
    if (!hasCompose()) this.skip();
    const result = compose(['config'], secretEnv);
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
    for (const name of ['migrate', 'api', 'worker']) {
      const env = serviceEnvironment(serviceBlock(result.stdout, name));
      assert.equal(env.NODE_ENV, 'production');
      assert.doesNotThrow(() => loadConfig(env), `${name}'s compose environment is refused by the config`);
    }
  });

  it('runs the migrations once, in a one-shot migrate service the api and the worker wait for', function () {
    if (!hasCompose()) this.skip();
    const result = compose(['config'], secretEnv);
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
    const migrate = serviceBlock(result.stdout, 'migrate');
    assert.match(migrate, /- node\n\s+- dist\/src\/bin\/migrate\.js/);
    assert.match(migrate, /restart: on-failure/, 'a one-shot service: restarted on failure only');
    assert.match(migrate, /postgres:\n\s+condition: service_healthy/);
    for (const name of ['api', 'worker']) {
      const block = serviceBlock(result.stdout, name);
      assert.match(block, /migrate:\n\s+condition: service_completed_successfully/, `${name} does not wait for migrate`);
      assert.equal(serviceEnvironment(block).MIGRATE_ON_START, 'false', `${name} would migrate too`);
    }
  });
});
