import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';

describe('api: /me, password change and sessions', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  before(async () => {
    h = await startHarness();
    const customerId = await insertCustomer(h.db, 'Fleet One');
    await insertUser(h.db, 'cust', 'customer', { customerId });
    await insertUser(h.db, 'techie', 'technician');
    await insertUser(h.db, 'boss', 'admin');
    for (const name of ['cust', 'techie', 'boss']) tokens[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  it('GET /api/me answers each role with its own profile, and 401 without a token', async () => {
    for (const [name, role] of [
      ['cust', 'customer'],
      ['techie', 'technician'],
      ['boss', 'admin'],
    ] as const) {
      const res = await h.request('GET', '/api/me', { token: tokens[name] });
      assert.equal(res.status, 200);
      assert.equal(res.body.username, name);
      assert.equal(res.body.role, role);
      assert.equal(res.body.email, `${name}@example.com`);
      assert.equal(res.body.emailVerified, true);
      assert.equal(res.body.passwordHash, undefined);
    }
    const me = await h.request('GET', '/api/me', { token: tokens.cust });
    assert.equal(typeof me.body.customerId, 'number');
    assert.equal((await h.request('GET', '/api/me', { token: tokens.techie })).body.technicianId !== null, true);
    assert.equal((await h.request('GET', '/api/me')).status, 401);
  });

  it('PATCH /api/me: a changed address becomes unverified, the same one stays verified, null clears', async () => {
    const token = tokens.cust;
    const same = await h.request('PATCH', '/api/me', { token, body: { email: 'cust@example.com' } });
    assert.equal(same.status, 200);
    assert.equal(same.body.emailVerified, true);

    const changed = await h.request('PATCH', '/api/me', {
      token,
      body: { email: 'new@fleet.one', phone: '+15555550123', timezone: 'America/Chicago' },
    });
    assert.equal(changed.status, 200);
    assert.deepEqual(
      {
        email: changed.body.email,
        emailVerified: changed.body.emailVerified,
        phone: changed.body.phone,
        phoneVerified: changed.body.phoneVerified,
        tz: changed.body.timezone,
      },
      { email: 'new@fleet.one', emailVerified: false, phone: '+15555550123', phoneVerified: false, tz: 'America/Chicago' },
    );
    const stored = await h.db.models.User.query().findOne({ username: 'cust' });
    assert.deepEqual([stored!.emailVerified, stored!.phoneVerified], [false, false]);

    const cleared = await h.request('PATCH', '/api/me', { token, body: { phone: null } });
    assert.equal(cleared.body.phone, null);
    assert.equal(cleared.body.phoneVerified, false);
  });

  it('PATCH /api/me refuses bad input with the field, and changes nothing', async () => {
    const token = tokens.techie;
    const before = await h.db.models.User.query().findOne({ username: 'techie' });
    for (const [body, field] of [
      [{ email: 'not-an-email' }, 'email'],
      [{ phone: '555-0100' }, 'phone'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ role: 'admin' }, 'body'],
      [{}, 'body'],
    ] as const) {
      const res = await h.request('PATCH', '/api/me', { token, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.error.fields[field], `${JSON.stringify(body)} → ${JSON.stringify(res.body.error.fields)}`);
    }
    assert.deepEqual(await h.db.models.User.query().findOne({ username: 'techie' }), before);
  });

  it('POST /api/me/password needs the current password, ends every other session, keeps this one', async () => {
    const other = await h.login('boss', PASSWORD);
    const wrong = await h.request('POST', '/api/me/password', {
      token: tokens.boss,
      body: { currentPassword: 'nope-nope', newPassword: 'a-much-better-one' },
    });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.body.error.fields.currentPassword);
    const weak = await h.request('POST', '/api/me/password', {
      token: tokens.boss,
      body: { currentPassword: PASSWORD, newPassword: 'password' },
    });
    assert.equal(weak.status, 400);
    assert.ok(weak.body.error.fields.newPassword);
    assert.equal((await h.request('GET', '/api/me', { token: other })).status, 200, 'refusals end nothing');

    const changed = await h.request('POST', '/api/me/password', {
      token: tokens.boss,
      body: { currentPassword: PASSWORD, newPassword: 'a-much-better-one' },
    });
    assert.equal(changed.status, 200);
    assert.equal((await h.request('GET', '/api/me', { token: other })).status, 401, 'another session ended');
    assert.equal((await h.request('GET', '/api/me', { token: tokens.boss })).status, 401, 'the old token of this session too');
    assert.equal((await h.request('GET', '/api/me', { token: changed.body.token })).status, 200, 'this session goes on with the new token');
    assert.equal((await h.request('POST', '/api/auth/login', { body: { username: 'boss', password: PASSWORD } })).status, 401);
    tokens.boss = await h.login('boss', 'a-much-better-one');
  });

  it('POST /api/auth/logout-all ends every session of the caller only, for each role', async () => {
    for (const name of ['cust', 'techie', 'boss']) {
      const password = name === 'boss' ? 'a-much-better-one' : PASSWORD;
      const a = await h.login(name, password);
      const b = await h.login(name, password);
      const res = await h.request('POST', '/api/auth/logout-all', { token: a });
      assert.equal(res.status, 204);
      assert.equal((await h.request('GET', '/api/me', { token: a })).status, 401);
      assert.equal((await h.request('GET', '/api/me', { token: b })).status, 401);
      const fresh = await h.login(name, password);
      assert.equal((await h.request('GET', '/api/me', { token: fresh })).status, 200, 'a new login works');
      tokens[name] = fresh;
    }
    assert.equal((await h.request('POST', '/api/auth/logout-all')).status, 401);
  });
});
