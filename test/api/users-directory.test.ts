import assert from 'node:assert/strict';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { expectAccess } from './access';

describe('api: the users directory (admin)', () => {
  let h: Harness;
  const tokens = { customer: '', technician: '', admin: '' };
  const ids: Record<string, number> = {};
  let fleetA = 0;
  let fleetB = 0;

  const get = (path: string, token = tokens.admin) => h.request('GET', path, { token });
  const patch = (id: number, body: unknown, token = tokens.admin) => h.request('PATCH', `/api/users/${id}`, { token, body });
  const listed = async (query: string): Promise<string[]> => {
    const res = await get(`/api/users?pageSize=100&${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items.map((u: { username: string }) => u.username);
  };
  const stored = (id: number) => h.db.models.User.query().findById(id);

  before(async () => {
    h = await startHarness();
    fleetA = await insertCustomer(h.db, 'Fleet A');
    fleetB = await insertCustomer(h.db, 'Fleet B');
    for (const [name, role, customerId] of [
      ['root', 'admin', undefined],
      ['second-admin', 'admin', undefined],
      ['alice', 'customer', fleetA],
      ['alan', 'customer', fleetA],
      ['bob', 'customer', fleetB],
      ['tech-one', 'technician', undefined],
      ['gone', 'customer', fleetB],
    ] as const) {
      ids[name] = (await insertUser(h.db, name, role, { customerId })).userId;
    }
    await h.db.models.User.query().patch({ phone: '+15555550177' }).where('id', ids.alan!);
    await h.db.models.User.query().patch({ isActive: false }).where('id', ids.gone!);
    tokens.customer = await h.login('alice', PASSWORD);
    tokens.technician = await h.login('tech-one', PASSWORD);
    tokens.admin = await h.login('root', PASSWORD);
  });
  after(() => h?.close());

  it('is for admins only: 401 without a token, 403 for customers and technicians, 404 for an unknown id', async () => {
    const only = { none: 401, customer: 403, technician: 403, admin: 200 };
    await expectAccess(h, tokens, { method: 'GET', path: '/api/users' }, only);
    await expectAccess(h, tokens, { method: 'GET', path: `/api/users/${ids.bob}` }, only);
    await expectAccess(h, tokens, { method: 'PATCH', path: `/api/users/${ids.bob}`, body: { phone: '+15555550142' } }, only);
    assert.equal((await stored(ids.bob!))!.phone, '+15555550142', 'only the admin changed it');
    assert.equal((await get('/api/users/999999')).status, 404);
    assert.equal((await patch(999999, { active: true })).status, 404);
    assert.equal((await get('/api/users/abc')).body.error.fields.id, 'must be a number');
  });

  it('shows one user with their links and verification flags', async () => {
    const res = await get(`/api/users/${ids.alice}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      { ...res.body, createdAt: undefined },
      {
        id: ids.alice,
        username: 'alice',
        role: 'customer',
        email: 'alice@example.com',
        phone: null,
        emailVerified: true,
        phoneVerified: true,
        isActive: true,
        customerId: fleetA,
        technicianId: null,
        createdAt: undefined,
      },
    );
    assert.equal(typeof (await get(`/api/users/${ids['tech-one']}`)).body.technicianId, 'number');
  });

  it('filters by role, customer, active and q, each on its own', async () => {
    assert.deepEqual(await listed('role=admin'), ['root', 'second-admin']);
    assert.deepEqual(await listed(`customerId=${fleetA}`), ['alice', 'alan']);
    assert.deepEqual(await listed('active=false'), ['gone']);
    assert.ok(!(await listed('active=true')).includes('gone'));
    assert.deepEqual(await listed('q=ALI'), ['alice'], 'username, in any case');
    assert.deepEqual(await listed('q=bob%40EXAMPLE'), ['bob'], 'email');
    assert.deepEqual(await listed('q=550177'), ['alan'], 'phone');
    assert.deepEqual(await listed('q=%25'), [], 'a % is a character, not a wildcard');
    assert.deepEqual(await listed(`role=customer&customerId=${fleetB}&active=true`), ['bob']);
    const bad = await get('/api/users?active=maybe&role=root');
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body.error.fields).sort(), ['active', 'role']);
  });

  it('pages in id order with a total', async () => {
    const all = (await get('/api/users?pageSize=100')).body;
    const p1 = (await get('/api/users?pageSize=3&page=1')).body;
    const p2 = (await get('/api/users?pageSize=3&page=2')).body;
    assert.deepEqual([p1.page, p1.pageSize, p1.total, p2.total], [1, 3, all.total, all.total]);
    const idsInOrder = all.items.map((u: { id: number }) => u.id);
    assert.deepEqual(
      idsInOrder,
      [...idsInOrder].sort((a: number, b: number) => a - b),
    );
    assert.deepEqual(
      [...p1.items, ...p2.items].map((u: { id: number }) => u.id),
      idsInOrder.slice(0, 6),
    );
  });

  it('sets and clears addresses; an address an admin sets counts as verified', async () => {
    await h.db.models.User.query().patch({ emailVerified: false, phoneVerified: false }).where('id', ids.alan!);
    const set = await patch(ids.alan!, { email: 'alan@fleet-a.test' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.email, set.body.emailVerified, set.body.phoneVerified], ['alan@fleet-a.test', true, false]);
    const cleared = await patch(ids.alan!, { phone: null });
    assert.deepEqual([cleared.body.phone, cleared.body.email], [null, 'alan@fleet-a.test']);
  });

  it('refuses bad bodies naming the field, and changes nothing', async () => {
    const before = await stored(ids.alan!);
    const cases: [unknown, string][] = [
      [{ email: 'not-an-email' }, 'email'],
      [{ phone: '555-0100' }, 'phone'],
      [{ active: 'no' }, 'active'],
      [{}, 'body'],
      [{ role: 'admin' }, 'body'], // not a field this route changes
      [{ customerId: fleetB, email: 'x' }, 'email'],
    ];
    for (const [body, field] of cases) {
      const res = await patch(ids.alan!, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.error.fields[field], `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.body.error.fields)}`);
    }
    assert.deepEqual(await stored(ids.alan!), before);
  });

  it('moves a customer user to another customer; customerId is for customer users and must exist', async () => {
    const moved = await patch(ids.alan!, { customerId: fleetB });
    assert.equal(moved.body.customerId, fleetB);
    assert.deepEqual(await listed(`customerId=${fleetB}&active=true`), ['alan', 'bob']);
    const tech = await patch(ids['tech-one']!, { customerId: fleetA });
    assert.equal(tech.status, 400);
    assert.deepEqual(tech.body.error.fields, { customerId: 'is only for customer users' });
    const ghost = await patch(ids.alan!, { customerId: 999999, phone: '+15555550999' });
    assert.deepEqual(ghost.body.error.fields, { customerId: 'customer 999999 does not exist' });
    assert.equal((await stored(ids.alan!))!.phone, null, 'the refused PATCH wrote nothing');
    assert.deepEqual(await listed(`customerId=${fleetA}`), ['alice']);
  });

  it('deactivating a user refuses their token at once; reactivating does not revive it', async () => {
    const token = await h.login('bob', PASSWORD);
    assert.equal((await get('/api/repairs', token)).status, 200);
    const off = await patch(ids.bob!, { active: false });
    assert.equal(off.body.isActive, false);
    assert.equal((await get('/api/repairs', token)).status, 401);
    assert.equal((await h.request('POST', '/api/auth/login', { body: { username: 'bob', password: PASSWORD } })).status, 401);
    assert.equal((await patch(ids.bob!, { active: true })).body.isActive, true);
    assert.equal((await get('/api/repairs', token)).status, 401, 'the old session stays ended');
    assert.equal((await get('/api/repairs', await h.login('bob', PASSWORD))).status, 200);
  });

  it('an admin may not deactivate themselves (409); another admin may', async () => {
    const self = await patch(ids.root!, { active: false });
    assert.equal(self.status, 409);
    assert.equal(self.body.error.code, 'CONFLICT');
    assert.ok(self.body.error.fields.active);
    assert.equal((await stored(ids.root!))!.isActive, true);
    assert.equal((await get('/api/users')).status, 200, 'still signed in');
    const other = await patch(ids['second-admin']!, { active: false });
    assert.equal(other.body.isActive, false);
  });
});
