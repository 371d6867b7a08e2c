import assert from 'node:assert/strict';
import type { Harness } from '../support/harness';

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  body?: unknown;
}

/**
 * The admin console's routes refuse everyone else before anything else happens: 401 without a
 * token, 403 for a customer or a technician, whatever the body (so nothing is validated or written).
 */
export async function assertAdminOnly(h: Harness, tokens: { customer: string; technician: string }, routes: AdminRoute[]): Promise<void> {
  for (const r of routes) {
    const body = r.body === undefined ? {} : { body: r.body };
    const what = `${r.method} ${r.path}`;
    const anonymous = await h.request(r.method, r.path, body);
    assert.equal(anonymous.status, 401, `${what} without a token`);
    for (const [role, token] of Object.entries(tokens)) {
      const res = await h.request(r.method, r.path, { token, ...body });
      assert.equal(res.status, 403, `${what} as ${role}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'FORBIDDEN');
    }
  }
}
