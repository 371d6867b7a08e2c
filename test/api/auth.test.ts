import assert from 'node:assert/strict';
import { seedDemoAccounts } from '../../src/db/seed';
import { hashPassword } from '../../src/security/password';
import { createTokenService } from '../../src/security/tokens';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';

describe('api: authentication and roles', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await seedDemoAccounts(h.db, hashPassword);
    const customerId = await insertCustomer(h.db, 'Acme');
    await insertUser(h.db, 'acme-user', 'customer', { customerId });
    await insertUser(h.db, 'retired', 'admin');
    await h.db.models.User.query().patch({ isActive: false }).where('username', 'retired');
  });
  after(() => h?.close());

  it('logs in a demo account and returns a token with the user', async () => {
    const res = await h.request('POST', '/api/auth/login', { body: { username: 'democustomer', password: 'demo123' } });
    assert.equal(res.status, 200);
    assert.match(res.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(res.body.user.username, 'democustomer');
    assert.equal(res.body.user.role, 'customer');
    assert.equal(typeof res.body.user.customerId, 'number');
    assert.equal(res.body.user.technicianId, undefined);
    assert.equal(res.body.user.passwordHash, undefined);
  });

  it('gives technicians their technicianId', async () => {
    const res = await h.request('POST', '/api/auth/login', { body: { username: 'tech2', password: 'demo123' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.role, 'technician');
    assert.equal(typeof res.body.user.technicianId, 'number');
  });

  it('accepts the username in any case', async () => {
    const res = await h.request('POST', '/api/auth/login', { body: { username: 'DemoAdmin', password: 'demo123' } });
    assert.equal(res.status, 200);
  });

  for (const [label, body] of [
    ['a wrong password', { username: 'demoadmin', password: 'demo1234' }],
    ['an unknown user', { username: 'nobody', password: 'demo123' }],
    ['a disabled account', { username: 'retired', password: PASSWORD }],
  ] as const) {
    it(`answers 401 with one message for ${label}`, async () => {
      const res = await h.request('POST', '/api/auth/login', { body });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: { code: 'UNAUTHENTICATED', message: 'Invalid username or password' } });
    });
  }

  it('answers 400 with fields when login fields are missing', async () => {
    const res = await h.request('POST', '/api/auth/login', { body: {} });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(res.body.error.fields, { username: 'is required', password: 'is required' });
  });

  describe('protected routes', () => {
    const routes: [string, string][] = [
      ['POST', '/api/customers'],
      ['POST', '/api/users'],
      ['GET', '/api/technicians'],
      ['POST', '/api/repairs'],
      ['GET', '/api/repairs/1'],
    ];
    for (const [method, path] of routes) {
      it(`${method} ${path} answers 401 without a token`, async () => {
        const res = await h.request(method, path);
        assert.equal(res.status, 401);
        assert.equal(res.body.error.code, 'UNAUTHENTICATED');
      });
    }

    it('answers 401 to a garbage token and to a non-Bearer scheme', async () => {
      assert.equal((await h.request('GET', '/api/technicians', { token: 'garbage' })).status, 401);
      const basic = await h.request('GET', '/api/technicians', { headers: { authorization: 'Basic ZGVtbzpkZW1v' } });
      assert.equal(basic.status, 401);
    });

    it('answers 401 to an expired token', async () => {
      const user = await h.db.models.User.query().findOne({ username: 'demoadmin' });
      const yesterday = createTokenService(h.config.auth.tokenSecret as string, 60_000, () => Date.now() - 86_400_000);
      const { token } = await yesterday.issue(user!.id, 'admin', 0);
      const res = await h.request('GET', '/api/technicians', { token });
      assert.equal(res.status, 401);
      assert.match(res.body.error.message, /expired/);
    });

    it('answers 401 when the account was disabled after the token was issued', async () => {
      const token = await h.login('acme-user', PASSWORD);
      await h.db.models.User.query().patch({ isActive: false }).where('username', 'acme-user');
      try {
        const res = await h.request('GET', '/api/repairs/1', { token });
        assert.equal(res.status, 401);
      } finally {
        await h.db.models.User.query().patch({ isActive: true }).where('username', 'acme-user');
      }
    });

    it('answers 403 when the role may not use the route', async () => {
      const customer = await h.login('democustomer', 'demo123');
      const tech = await h.login('tech1', 'demo123');
      for (const [token, method, path] of [
        [customer, 'POST', '/api/customers'],
        [customer, 'POST', '/api/users'],
        [customer, 'GET', '/api/technicians'],
        [tech, 'POST', '/api/customers'],
        [tech, 'POST', '/api/users'],
      ] as const) {
        const res = await h.request(method, path, { token, ...(method === 'POST' ? { body: {} } : {}) });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.error.code, 'FORBIDDEN');
      }
    });

    it('lets the right role through (admin lists technicians with their load)', async () => {
      const admin = await h.login('demoadmin', 'demo123');
      const res = await h.request('GET', '/api/technicians', { token: admin });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.items.map((t: { username: string; activeRepairs: number }) => [t.username, t.activeRepairs]),
        [
          ['tech1', 0],
          ['tech2', 0],
          ['tech3', 0],
        ],
      );
    });
  });
});
