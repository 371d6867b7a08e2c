import assert from 'node:assert/strict';
import { createDb } from '../../src/db';
import { startApi, type RunningApi } from '../../src/api/server';
import { startHarness, type Harness } from '../support/harness';
import { insertUser, PASSWORD } from '../support/fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('api: login throttling (PostgreSQL-backed, shared by API processes)', () => {
  let h: Harness;
  let second: RunningApi;
  let secondDb: ReturnType<typeof createDb>;
  before(async () => {
    h = await startHarness({
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
      LOGIN_FAILURE_WINDOW: '1m',
      LOGIN_BLOCK_DURATION: '2s',
    });
    for (const name of ['alice', 'bob', 'carol', 'dave']) await insertUser(h.db, name, 'customer');
    // Another API process in all but the OS process: its own app, pool and memory, the same database.
    secondDb = createDb(h.config.database.url!, 2);
    second = await startApi({ ...h.deps, db: secondDb }, 0, '127.0.0.1');
  });
  after(async () => {
    await second?.close();
    await secondDb?.destroy();
    await h?.close();
  });

  const login = async (username: string, password: string, from: string, base?: string) => {
    const res = await fetch(`${base ?? h.api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username, password }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };

  it('blocks an account after its failures, on every API process, even with the right password', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('alice', 'wrong-guess', `10.0.0.${i + 1}`)).status, 401);
    const blocked = await login('alice', PASSWORD, '10.0.1.1');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'TOO_MANY_REQUESTS');
    assert.ok(Number(blocked.retryAfter) >= 1 && Number(blocked.retryAfter) <= 2, `Retry-After ${blocked.retryAfter}`);
    const elsewhere = await login('ALICE', PASSWORD, '10.0.1.2', second.url);
    assert.equal(elsewhere.status, 429, 'the other process sees the same block (any case of the name)');
    assert.equal((await login('bob', PASSWORD, '10.0.1.3')).status, 200, 'other accounts are not affected');

    await sleep(2_100);
    assert.equal((await login('alice', PASSWORD, '10.0.1.4')).status, 200, 'the block ends');
  });

  it('a success resets the account count', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await login('carol', 'wrong-guess', '10.0.2.1')).status, 401);
    assert.equal((await login('carol', PASSWORD, '10.0.2.2')).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await login('carol', 'wrong-guess', '10.0.2.3')).status, 401);
    assert.equal((await login('carol', PASSWORD, '10.0.2.4')).status, 200, 'two failures after a success do not block');
  });

  it('counts unknown usernames like real ones (a block reveals nothing), and blocks a client address spraying names', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('nobody-here', 'x', `10.0.3.${i}`)).status, 401);
    assert.equal((await login('nobody-here', 'x', '10.0.3.9')).status, 429);

    const sprayer = '192.0.2.77';
    const names = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    for (const [i, name] of names.entries()) {
      assert.equal((await login(name, 'x', sprayer, i % 2 ? second.url : undefined)).status, 401, name);
    }
    const res = await login('dave', PASSWORD, sprayer);
    assert.equal(res.status, 429, 'the address is blocked, whatever account it tries');
    assert.equal((await login('dave', PASSWORD, '192.0.2.78')).status, 200, 'another address is not');
  });

  it('a wrong current password on POST /api/me/password counts against the account too', async () => {
    await insertUser(h.db, 'erin', 'customer');
    const token = (await login('erin', PASSWORD, '10.0.4.1')).body.token as string;
    for (let i = 0; i < 3; i++) {
      const res = await h.request('POST', '/api/me/password', {
        token,
        body: { currentPassword: 'guess-guess', newPassword: 'something-much-longer' },
      });
      assert.equal(res.status, 400);
    }
    const res = await h.request('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: 'something-much-longer' },
    });
    assert.equal(res.status, 429);
    assert.ok(res.headers.get('retry-after'));
  });

  it('forgets keys whose window and block are over (the table does not grow with every failure ever)', async () => {
    await h.db.knex('login_throttle').insert({
      key: 'account:long-ago',
      failures: 2,
      window_started_at: new Date(Date.now() - 3_600_000),
      updated_at: new Date(Date.now() - 3_600_000),
    });
    assert.equal((await login('frank', 'x', '10.0.5.1')).status, 401);
    assert.equal(await h.db.knex('login_throttle').where('key', 'account:long-ago').first(), undefined);
    assert.ok(await h.db.knex('login_throttle').where('key', 'account:frank').first(), 'a live key stays');
  });

  it('limits password-reset requests per client address (the same 429 for any username)', async () => {
    const from = '198.51.100.9';
    const reset = (username: string) =>
      fetch(`${h.api.url}/api/auth/password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username }),
      });
    for (let i = 0; i < 6; i++) assert.equal((await reset(i % 2 ? 'dave' : `ghost-${i}`)).status, 202);
    for (const name of ['dave', 'ghost-x']) {
      const res = await reset(name);
      assert.equal(res.status, 429, name);
      assert.ok(res.headers.get('retry-after'));
    }
  });

  it('a completed password reset lifts the block on the account', async () => {
    await insertUser(h.db, 'gwen', 'customer');
    for (let i = 0; i < 3; i++) assert.equal((await login('gwen', 'wrong-guess', '10.0.6.1')).status, 401);
    assert.equal((await login('gwen', PASSWORD, '10.0.6.2')).status, 429);
    const { userId } = await h.db.knex('users').where('username', 'gwen').first<{ userId: number }>('id as userId');
    const token = 'known-token-for-the-test-known-token-for-the';
    const { createHash } = await import('node:crypto');
    await h.db
      .knex('password_resets')
      .insert({ userId, tokenHash: createHash('sha256').update(token).digest('hex'), expiresAt: new Date(Date.now() + 60_000) });
    const confirm = await h.request('POST', '/api/auth/password-reset/confirm', { body: { token, newPassword: 'brand-new-secret-7' } });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal((await login('gwen', 'brand-new-secret-7', '10.0.6.3')).status, 200);
  });
});
