import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const projectRoot = path.resolve(__dirname, '../..');
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

  it('defines the five services and gives the app the database and Temporal addresses', function () {
    if (!hasCompose()) this.skip();
    const result = compose(['config'], secretEnv);
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'api', 'worker']) {
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
});
