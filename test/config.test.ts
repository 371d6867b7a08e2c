import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config';

describe('config', () => {
  it('has working defaults for the embedded development stack', () => {
    const config = loadConfig({});
    assert.equal(config.env, 'development');
    assert.equal(config.http.port, 3000);
    assert.equal(config.temporal.port, 7233);
    assert.equal(config.temporal.uiPort, 8233);
    assert.equal(config.temporal.taskQueue, 'repairs');
    assert.equal(config.database.url, undefined, 'no DATABASE_URL means embedded PostgreSQL');
    assert.equal(config.temporal.address, undefined, 'no TEMPORAL_ADDRESS means embedded Temporal');
    assert.equal(config.seedDemoAccounts, true);
    assert.equal(config.auth.tokenTtlMs, 12 * 3_600_000);
  });

  it('schedules as the old system did: digests at 09:00 on each user’s clock (UTC for those without one), clean-up Sunday 02:00 UTC', () => {
    const { digest, cleanup } = loadConfig({}).schedules;
    assert.deepEqual([digest.time, digest.defaultTimeZone], ['09:00', 'UTC']);
    assert.deepEqual([cleanup.weekday, cleanup.time], ['SUNDAY', '02:00']);
    const env = readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    for (const line of ['DIGEST_TIME=09:00', 'DIGEST_TIMEZONE=UTC', 'CLEANUP_WEEKDAY=SUNDAY', 'CLEANUP_TIME=02:00'])
      assert.ok(env.split('\n').includes(line), `.env.example says ${line}`);
  });

  it('reads real deployment settings', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/rs',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      AUTH_TOKEN_SECRET: 'x'.repeat(40),
      AUTH_TOKEN_TTL: '90m',
      PORT: '8080',
    });
    assert.equal(config.database.url, 'postgres://u:p@db:5432/rs');
    assert.equal(config.temporal.address, 'temporal:7233');
    assert.equal(config.temporal.namespace, 'prod');
    assert.equal(config.auth.tokenTtlMs, 90 * 60_000);
    assert.equal(config.http.port, 8080);
    assert.equal(config.seedDemoAccounts, false, 'never demo accounts in production');
  });

  it('treats empty strings as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' }).database.url, undefined);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['PORT', { PORT: 'eighty' }, /number/],
    ['PORT', { PORT: '70000' }, /1-65535/],
    ['NODE_ENV', { NODE_ENV: 'staging' }, /development|production/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x@y/z' }, /postgres/],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'http://temporal' }, /host:port/],
    ['AUTH_TOKEN_TTL', { AUTH_TOKEN_TTL: 'forever' }, /duration/],
    ['AUTH_TOKEN_SECRET', { AUTH_TOKEN_SECRET: 'short' }, /32/],
    ['AUTH_TOKEN_SECRET', { NODE_ENV: 'production' }, /required in production/],
    ['SEED_DEMO_ACCOUNTS', { NODE_ENV: 'production', AUTH_TOKEN_SECRET: 'x'.repeat(40), SEED_DEMO_ACCOUNTS: 'true' }, /development only/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /.+/],
  ];
  for (const [variable, env, why] of bad) {
    it(`refuses a bad ${variable} (${JSON.stringify(env)}) naming the variable`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.problems[variable] ?? '', why);
          assert.match(err.message, new RegExp(`${variable}:`));
          return true;
        },
      );
    });
  }

  it('never echoes a secret value in its error', () => {
    assert.throws(
      () => loadConfig({ AUTH_TOKEN_SECRET: 'hunter2-is-my-password' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });

  it('reports every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', TEMPORAL_PORT: '0' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(Object.keys(err.problems).sort(), ['PORT', 'TEMPORAL_PORT']);
        return true;
      },
    );
  });

  it("sizes the worker's workflow cache only when asked, and refuses a size that is not a whole number", () => {
    assert.equal(loadConfig({}).worker.maxCachedWorkflows, undefined, "the SDK's own default");
    assert.equal(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '6000' }).worker.maxCachedWorkflows, 6000);
    assert.throws(
      () => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '1.5' }),
      (err: unknown) => err instanceof ConfigError && Object.keys(err.problems).join() === 'WORKER_MAX_CACHED_WORKFLOWS',
    );
  });

  it('documents every variable in .env.example, and nothing it does not read', () => {
    const text = readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    assert.deepEqual(documented, [...CONFIG_VARIABLES].sort());
  });
});
