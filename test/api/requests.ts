import assert from 'node:assert/strict';
import type { Harness } from '../support/harness';

/**
 * Request helpers for the API suites. The harness is read through a getter because a suite's before
 * hook starts it after the helpers are made; no token sends no Authorization header, for the 401s.
 */
export function requests(harness: () => Harness) {
  const auth = (token: string | undefined) => (token ? { token } : {});
  return {
    get: (token: string | undefined, path: string) => harness().request('GET', path, auth(token)),
    post: (token: string | undefined, path: string, body?: unknown) =>
      harness().request('POST', path, { ...auth(token), ...(body === undefined ? {} : { body }) }),
    put: (token: string | undefined, path: string, body: unknown) => harness().request('PUT', path, { ...auth(token), body }),
  };
}

export const ok = <T extends { status: number; body: any }>(res: T, status = 200): T['body'] => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body;
};
