import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ROUTES } from '../../src/api/app';
import { buildOpenApi } from '../../src/api/openapi';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/** Regressions for what `npm run fuzz` (schemathesis against the OpenAPI document) found. */
describe('api: fuzzer findings', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  let fleet = 0;

  before(async () => {
    h = await startHarness();
    fleet = await insertCustomer(h.db, 'Fuzz Fleet');
    await insertUser(h.db, 'fz-customer', 'customer', { customerId: fleet });
    await insertUser(h.db, 'fz-tech', 'technician');
    await insertUser(h.db, 'fz-root', 'admin');
    for (const name of ['fz-customer', 'fz-tech', 'fz-root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  /** fetch refuses TRACE, so this one goes through node:http. */
  const raw = (method: string, path: string, token?: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(`${h.api.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });

  const operation = (path: string, method: string) =>
    (buildOpenApi(ROUTES) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }).paths[path]?.[method];

  it('an HTTP method the router does not know (TRACE) is 405 METHOD_NOT_ALLOWED, not 500', async () => {
    for (const path of ['/api/health', '/api/repairs', '/api/repairs/1']) {
      const res = await raw('TRACE', path, t['fz-root']);
      assert.equal(res.status, 405, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'METHOD_NOT_ALLOWED');
    }
    assert.equal((await raw('TRACE', '/api/users')).status, 405);
    // Methods fetch may send go the same way.
    const propfind = await h.request('PROPFIND', '/api/repairs', { token: t['fz-root'] });
    assert.equal(propfind.status, 405, JSON.stringify(propfind.body));
  });

  it('login documents the 401 it answers for bad credentials', async () => {
    const res = await h.request('POST', '/api/auth/login', { body: { username: 'nobody', password: 'wrong' } });
    assert.equal(res.status, 401);
    assert.ok(operation('/api/auth/login', 'post')?.responses['401'], 'POST /api/auth/login documents 401');
  });

  it('a batch decision skips a repair that was decided meanwhile instead of failing half-way with 409', async () => {
    const batchId = `fuzz-${Date.now()}`;
    const repairs: { id: number }[] = [];
    for (const unit of ['FZ-1', 'FZ-2', 'FZ-3']) {
      const res = await h.request('POST', '/api/repairs', {
        token: t['fz-tech'],
        body: { unitNumber: unit, description: 'found on a lot walk', customerId: fleet, batchId },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      repairs.push(res.body);
    }
    const [first, second, third] = repairs as [{ id: number }, { id: number }, { id: number }];
    // The second repair is denied by its own move, but the batch decision read it while it was still
    // PENDING (the race the fuzzer hit with two concurrent batch calls): its row is put back to
    // PENDING so the batch handler sees what it saw in the race.
    const denied = await h.request('POST', `/api/repairs/${second.id}/deny`, {
      token: t['fz-customer'],
      body: { reason: 'Unit already replaced' },
    });
    assert.equal(denied.status, 200, JSON.stringify(denied.body));
    await h.db.models.Repair.query().findById(second.id).patch({ status: 'PENDING' });

    const res = await h.request('POST', `/api/repair-batches/${batchId}/approve`, { token: t['fz-customer'], body: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.items.map((r: { id: number; status: string }) => [r.id, r.status]),
      [
        [first.id, 'APPROVED'],
        [third.id, 'APPROVED'],
      ],
    );
  });

  it('an id past PostgreSQL integer range is a 400 naming the field, not a 500 from the database', async () => {
    const huge = 9007199254740990;
    const admin = t['fz-root'];
    const repair = await h.request('POST', '/api/repairs', { token: t['fz-customer'], body: { unitNumber: 'FZ-9', description: 'fuzz' } });
    for (const [method, path, body, field] of [
      ['GET', `/api/users?customerId=${huge}`, undefined, 'customerId'],
      ['GET', `/api/users/${huge}`, undefined, 'id'],
      ['PATCH', `/api/technicians/${huge}`, { active: false }, 'id'],
      ['PATCH', `/api/users/${huge}`, { active: false }, 'id'],
      ['PATCH', `/api/users/1`, { customerId: huge }, 'customerId'],
      ['POST', '/api/repairs', { unitNumber: 'X', description: 'y', customerId: fleet, technicianId: huge }, 'technicianId'],
      ['POST', `/api/repairs/${repair.body.id}/assign`, { technicianId: huge }, 'technicianId'],
      ['POST', `/api/users/${huge}/password-reset`, undefined, 'id'],
      ['GET', `/api/admin/notifications?repairId=${huge}`, undefined, 'repairId'],
    ] as const) {
      const res = await h.request(method, path, { token: admin, ...(body ? { body } : {}) });
      assert.equal(res.status, 400, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error.fields[field], `${method} ${path}: ${JSON.stringify(res.body.error.fields)}`);
    }
    // The bigint-keyed tables take ids up to JavaScript's safe integers: unknown, not invalid.
    assert.equal((await h.request('POST', `/api/notifications/${huge}/read`, { token: admin })).status, 404);
  });

  it('a NUL character anywhere in the query or body is a 400 naming the field, never a 500 from PostgreSQL', async () => {
    const admin = t['fz-root'];
    for (const [method, path, body, field] of [
      ['GET', '/api/customers?q=%00', undefined, 'q'],
      ['GET', '/api/users?q=a%00b', undefined, 'q'],
      ['POST', '/api/customers', { name: 'Fleet\u0000One' }, 'name'],
      ['PATCH', '/api/me', { timezone: 'UTC', email: null, phone: null, extra: ['ok', 'b\u0000'] }, 'extra.1'],
    ] as const) {
      const res = await h.request(method, path, { token: admin, ...(body ? { body } : {}) });
      assert.equal(res.status, 400, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.error.fields, { [field]: 'must not contain a NUL character' });
    }
    assert.equal(await h.db.models.Customer.query().where('name', 'like', 'Fleet%One').resultSize(), 0);
  });
});
