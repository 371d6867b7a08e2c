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
});
