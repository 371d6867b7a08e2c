import assert from 'node:assert/strict';
import { ROUTES } from '../../src/api/app';
import { ROLES, type Role } from '../../src/domain/roles';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';

// A concrete value for each path parameter; who may call a route is decided before its parameters are read.
const SAMPLE: Record<string, string> = { name: 'work_started', v: '1', batchId: '00000000-0000-4000-8000-000000000000' };
const concrete = (path: string) => `/api${path.replace(/:(\w+)/g, (_m, p: string) => SAMPLE[p] ?? '1')}`;
// Routes that end the caller's own session are called last, so the matrix keeps its tokens.
const ENDS_SESSION = new Set(['post /auth/logout-all']);

/**
 * Every route the app mounts, against every role and no token: the roles it does not name get 403,
 * no token gets 401 (public routes excepted), and the roles it names never get 401, 403 or a 5xx
 * for a well-formed call with arbitrary ids. A route added later is covered without a new test.
 */
describe('api: the access matrix of every route', () => {
  let h: Harness;
  const tokens = {} as Record<Role, string>;
  before(async () => {
    h = await startHarness();
    const customerId = await insertCustomer(h.db, 'Matrix Fleet');
    await insertUser(h.db, 'm-admin', 'admin');
    await insertUser(h.db, 'm-customer', 'customer', { customerId });
    await insertUser(h.db, 'm-technician', 'technician');
    for (const role of ROLES) tokens[role] = await h.login(`m-${role}`, PASSWORD);
  });
  after(() => h?.close());

  const call = async (method: string, path: string, token?: string): Promise<{ status: number }> => {
    const route = ROUTES.find((r) => r.method === method && r.path === path);
    if (route?.produces === 'text/event-stream') {
      // A stream never ends: its status is all there is to check, then it is dropped.
      const controller = new AbortController();
      const res = await fetch(`${h.api.url}${concrete(path)}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: controller.signal,
      });
      controller.abort();
      return { status: res.status };
    }
    return h.request(method.toUpperCase(), concrete(path), { ...(token ? { token } : {}), ...(method === 'get' ? {} : { body: {} }) });
  };

  it('covers a route of every resource (the list is the app’s, not a copy)', () => {
    assert.ok(ROUTES.length > 60, `${ROUTES.length} routes`);
  });

  it('refuses the roles a route does not name (403) and callers without a token (401)', async () => {
    const wrong: string[] = [];
    for (const route of ROUTES) {
      if (route.access === 'public') continue;
      const res = await call(route.method, route.path);
      if (res.status !== 401) wrong.push(`${route.method} ${route.path} without a token: ${res.status}`);
      for (const role of ROLES.filter((r) => !(route.access as readonly Role[]).includes(r))) {
        const denied = await call(route.method, route.path, tokens[role]);
        if (denied.status !== 403) wrong.push(`${route.method} ${route.path} as ${role}: ${denied.status}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('lets the roles a route names through (never 401, 403 or 5xx)', async () => {
    const wrong: string[] = [];
    const routes = [...ROUTES].sort(
      (a, b) => Number(ENDS_SESSION.has(`${a.method} ${a.path}`)) - Number(ENDS_SESSION.has(`${b.method} ${b.path}`)),
    );
    for (const route of routes) {
      const roles = route.access === 'public' ? [undefined] : route.access;
      for (const role of roles) {
        const res = await call(route.method, route.path, role && tokens[role]);
        if (res.status === 401 || res.status === 403 || res.status >= 500)
          wrong.push(`${route.method} ${route.path} as ${role ?? 'anyone'}: ${res.status}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
