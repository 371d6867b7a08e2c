import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertUser, PASSWORD } from '../support/fixtures';

describe('api: customers and users', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = await startHarness();
    await insertUser(h.db, 'root', 'admin');
    admin = await h.login('root', PASSWORD);
  });
  after(() => h?.close());

  it('creates a customer, a customer user who can log in, and sees the link', async () => {
    const customer = await h.request('POST', '/api/customers', {
      token: admin,
      body: { name: 'Fleet One', email: 'ops@fleet.one', phone: '+15555550123' },
    });
    assert.equal(customer.status, 201);
    assert.deepEqual(
      { name: customer.body.name, email: customer.body.email, phone: customer.body.phone },
      { name: 'Fleet One', email: 'ops@fleet.one', phone: '+15555550123' },
    );

    const user = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'fleet-one', password: 'long-enough-pw', role: 'customer', customerId: customer.body.id },
    });
    assert.equal(user.status, 201);
    assert.equal(user.body.customerId, customer.body.id);
    assert.equal(user.body.password, undefined);
    assert.equal(user.body.passwordHash, undefined);

    const login = await h.request('POST', '/api/auth/login', { body: { username: 'fleet-one', password: 'long-enough-pw' } });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.customerId, customer.body.id);

    const stored = await h.db.models.User.query().findById(user.body.id);
    assert.match(stored!.passwordHash, /^scrypt\$/, 'the password is stored hashed');
  });

  it('gives a technician user an active technician profile', async () => {
    const res = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'new-tech', password: 'long-enough-pw', role: 'technician', phone: '+15555550999' },
    });
    assert.equal(res.status, 201);
    assert.equal(typeof res.body.technicianId, 'number');
    const techs = await h.request('GET', '/api/technicians', { token: admin });
    const listed = techs.body.items.find((t: { id: number }) => t.id === res.body.technicianId);
    assert.deepEqual(
      { username: listed.username, isActive: listed.isActive, activeRepairs: listed.activeRepairs },
      {
        username: 'new-tech',
        isActive: true,
        activeRepairs: 0,
      },
    );
  });

  it('refuses a taken username (any case) with 409 and changes nothing', async () => {
    const before = await h.db.models.User.query().resultSize();
    const res = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'ROOT', password: 'long-enough-pw', role: 'admin' },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'CONFLICT');
    assert.deepEqual(res.body.error.fields, { username: 'is already taken' });
    assert.equal(await h.db.models.User.query().resultSize(), before);
  });

  it('needs customerId for customer users, refuses it for others, and checks it exists', async () => {
    const missing = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'cust-1', password: 'long-enough-pw', role: 'customer' },
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.error.fields, { customerId: 'is required for a customer user' });

    const extra = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'adm-1', password: 'long-enough-pw', role: 'admin', customerId: 1 },
    });
    assert.equal(extra.status, 400);
    assert.deepEqual(extra.body.error.fields, { customerId: 'is only for customer users' });

    const ghost = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'cust-2', password: 'long-enough-pw', role: 'customer', customerId: 99999 },
    });
    assert.equal(ghost.status, 400);
    assert.deepEqual(ghost.body.error.fields, { customerId: 'customer 99999 does not exist' });
    assert.equal(await h.db.models.User.query().whereIn('username', ['cust-1', 'adm-1', 'cust-2']).resultSize(), 0);
  });

  it('refuses weak passwords and unknown roles', async () => {
    const res = await h.request('POST', '/api/users', {
      token: admin,
      body: { username: 'x1', password: 'short', role: 'superuser' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.fields.password, 'must be at least 8 characters');
    assert.ok(res.body.error.fields.role);
  });
});
