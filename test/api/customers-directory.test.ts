import assert from 'node:assert/strict';
import { insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { expectAccess } from './access';

describe('api: the customers directory', () => {
  let h: Harness;
  const tokens = { customer: '', technician: '', admin: '' };
  const c: Record<string, number> = {};
  const u: Record<string, number> = {};

  const get = (path: string, token = tokens.admin) => h.request('GET', path, { token });
  const patch = (id: number, body: unknown) => h.request('PATCH', `/api/customers/${id}`, { token: tokens.admin, body });
  const names = async (query: string, token = tokens.admin): Promise<string[]> => {
    const res = await get(`/api/customers?pageSize=100&${query}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items.map((x: { name: string }) => x.name);
  };
  const stored = (id: number) => h.db.models.Customer.query().findById(id);
  /** Straight into the table: the detail only counts rows, it needs no workflow. */
  const insertRepair = (customerId: number, unitNumber: string, status: string) =>
    h.db.knex('repairs').insert({
      customer_id: customerId,
      unit_number: unitNumber,
      description: 'chip',
      status,
      workflow_id: `directory-${customerId}-${unitNumber}-${status}-${Math.random()}`,
      created_by_user_id: u.root,
    });

  before(async () => {
    h = await startHarness();
    const { Customer } = h.db.models;
    c.alpha = (await Customer.query().insert({ name: 'Fleet Alpha', email: 'ops@alpha.test', phone: '+15555550101' })).id;
    c.beta = (await Customer.query().insert({ name: 'Beta Haulage', email: 'desk@beta.test' })).id;
    c.gamma = (await Customer.query().insert({ name: 'Gamma_Freight' })).id;
    u.alice = (await insertUser(h.db, 'alice', 'customer', { customerId: c.alpha })).userId;
    u.alan = (await insertUser(h.db, 'alan', 'customer', { customerId: c.alpha })).userId;
    u.bob = (await insertUser(h.db, 'bob', 'customer', { customerId: c.beta })).userId;
    await insertUser(h.db, 'tech', 'technician');
    u.root = (await insertUser(h.db, 'root', 'admin')).userId;
    await h.db.models.User.query().patch({ isActive: false }).where('id', u.alan);
    for (const status of ['COMPLETED', 'DENIED', 'IN_PROGRESS']) await insertRepair(c.alpha, 'A-1', status);
    await insertRepair(c.alpha, 'A-2', 'REQUESTED');
    await insertRepair(c.beta, 'B-1', 'PENDING');
    tokens.customer = await h.login('alice', PASSWORD);
    tokens.technician = await h.login('tech', PASSWORD);
    tokens.admin = await h.login('root', PASSWORD);
  });
  after(() => h?.close());

  it('answers each role: list for admins and technicians, detail and PATCH for admins; 404 for unknown ids', async () => {
    await expectAccess(h, tokens, { method: 'GET', path: '/api/customers' }, { none: 401, customer: 403, technician: 200, admin: 200 });
    const adminOnly = { none: 401, customer: 403, technician: 403, admin: 200 };
    // Even alice's own customer: the directory is the admin's (her repairs and summary are elsewhere).
    await expectAccess(h, tokens, { method: 'GET', path: `/api/customers/${c.alpha}` }, adminOnly);
    await expectAccess(h, tokens, { method: 'PATCH', path: `/api/customers/${c.gamma}`, body: { phone: '+15555550103' } }, adminOnly);
    assert.equal((await stored(c.gamma!))!.phone, '+15555550103');
    assert.equal((await get('/api/customers/999999')).status, 404);
    assert.equal((await patch(999999, { name: 'Nobody' })).status, 404);
  });

  it('gives admins every field and technicians id and name only', async () => {
    const admin = (await get('/api/customers?q=alpha')).body.items;
    assert.deepEqual(Object.keys(admin[0]).sort(), ['createdAt', 'email', 'id', 'name', 'phone', 'updatedAt']);
    assert.equal(admin[0].email, 'ops@alpha.test');
    const tech = (await get('/api/customers?pageSize=100', tokens.technician)).body;
    assert.equal(tech.total, 3);
    for (const item of tech.items) assert.deepEqual(Object.keys(item).sort(), ['id', 'name']);
  });

  it('filters by q (name, email or phone, any case) and pages in id order', async () => {
    assert.deepEqual(await names(''), ['Fleet Alpha', 'Beta Haulage', 'Gamma_Freight']);
    assert.deepEqual(await names('q=HAUL'), ['Beta Haulage']);
    assert.deepEqual(await names('q=desk%40'), ['Beta Haulage'], 'email');
    assert.deepEqual(await names('q=550101'), ['Fleet Alpha'], 'phone');
    assert.deepEqual(await names('q=a_h'), [], 'an _ is a character, not a wildcard (it would match "a H")');
    assert.deepEqual(await names('q=ma_fr'), ['Gamma_Freight']);
    assert.deepEqual(await names('q=alpha', tokens.technician), ['Fleet Alpha'], 'technicians search too');
    const p2 = (await get('/api/customers?pageSize=2&page=2')).body;
    assert.deepEqual([p2.items.map((x: { name: string }) => x.name), p2.total, p2.page, p2.pageSize], [['Gamma_Freight'], 3, 2, 2]);
    assert.equal((await get('/api/customers?pageSize=0')).body.error.fields.pageSize, 'must be 1-100');
  });

  it("shows a customer's users and units with their repair counts, nobody else's", async () => {
    const res = await get(`/api/customers/${c.alpha}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'Fleet Alpha');
    assert.deepEqual(res.body.users, [
      { id: u.alice, username: 'alice', email: 'alice@example.com', phone: null, isActive: true },
      { id: u.alan, username: 'alan', email: 'alan@example.com', phone: null, isActive: false },
    ]);
    assert.deepEqual(res.body.units, [
      { unitNumber: 'A-1', repairs: 3, open: 1 },
      { unitNumber: 'A-2', repairs: 1, open: 1 },
    ]);
    const empty = (await get(`/api/customers/${c.gamma}`)).body;
    assert.deepEqual([empty.users, empty.units], [[], []]);
  });

  it('changes name, email and phone; null clears; bad bodies name the field and change nothing', async () => {
    const changed = await patch(c.beta!, { name: '  Beta Logistics ', phone: '+15555550102' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.name, changed.body.email, changed.body.phone], ['Beta Logistics', 'desk@beta.test', '+15555550102']);
    assert.equal((await patch(c.beta!, { email: null })).body.email, null);

    const before = await stored(c.beta!);
    for (const [body, field] of [
      [{ email: 'nope' }, 'email'],
      [{ phone: '12' }, 'phone'],
      [{ name: '  ' }, 'name'],
      [{ name: null }, 'name'],
      [{}, 'body'],
    ] as const) {
      const res = await patch(c.beta!, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.error.fields[field], `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.body.error.fields)}`);
    }
    assert.deepEqual(await stored(c.beta!), before);
  });
});
