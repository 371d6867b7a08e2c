import assert from 'node:assert/strict';
import type { Harness } from '../support/harness';

export type Caller = 'none' | 'customer' | 'technician' | 'admin';

/**
 * One route against every kind of caller: asserts each answers the expected status (the matrix
 * the directory suites check). `body` is the request body for a PATCH or POST, if any.
 */
export async function expectAccess(
  h: Harness,
  tokens: Record<Exclude<Caller, 'none'>, string>,
  route: { method: string; path: string; body?: unknown },
  expected: Record<Caller, number>,
): Promise<void> {
  const got: Partial<Record<Caller, number>> = {};
  for (const caller of Object.keys(expected) as Caller[]) {
    const token = caller === 'none' ? undefined : tokens[caller];
    const res = await h.request(route.method, route.path, { ...(token ? { token } : {}), ...(route.body ? { body: route.body } : {}) });
    got[caller] = res.status;
  }
  assert.deepEqual(got, expected, `${route.method} ${route.path}`);
}
