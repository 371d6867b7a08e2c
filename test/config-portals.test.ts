import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config';

// Its own file beside config.test.ts: the portal settings of src/config.ts.
describe('config: portal URLs', () => {
  it('defaults every portal to the one PUBLIC_APP_URL, so a single-URL deployment links as before', () => {
    const dev = loadConfig({}).notifications;
    assert.deepEqual(dev.portals, { customer: dev.appUrl, technician: dev.appUrl, admin: dev.appUrl });
    assert.equal(dev.appUrl, 'http://127.0.0.1:3000');
    const one = loadConfig({ PUBLIC_APP_URL: 'https://repairs.example.com/' }).notifications.portals;
    assert.deepEqual(one, {
      customer: 'https://repairs.example.com',
      technician: 'https://repairs.example.com',
      admin: 'https://repairs.example.com',
    });
  });

  it('treats an empty variable as unset (compose passes every one)', () => {
    const portals = loadConfig({
      PUBLIC_APP_URL: 'https://a.example',
      CUSTOMER_PORTAL_URL: '',
      TECHNICIAN_PORTAL_URL: ' ',
      ADMIN_PORTAL_URL: '',
    }).notifications.portals;
    assert.deepEqual(portals, { customer: 'https://a.example', technician: 'https://a.example', admin: 'https://a.example' });
  });

  it('sets each portal on its own, without a trailing slash, leaving the others on the default', () => {
    const portals = loadConfig({ PUBLIC_APP_URL: 'https://a.example', TECHNICIAN_PORTAL_URL: 'https://a.example/tech/' }).notifications
      .portals;
    assert.deepEqual(portals, { customer: 'https://a.example', technician: 'https://a.example/tech', admin: 'https://a.example' });
    const all = loadConfig({
      CUSTOMER_PORTAL_URL: 'https://a.example/app',
      TECHNICIAN_PORTAL_URL: 'https://b.example/tech',
      ADMIN_PORTAL_URL: 'http://c.example:8080/admin//',
    }).notifications.portals;
    assert.deepEqual(all, {
      customer: 'https://a.example/app',
      technician: 'https://b.example/tech',
      admin: 'http://c.example:8080/admin',
    });
  });

  for (const variable of ['CUSTOMER_PORTAL_URL', 'TECHNICIAN_PORTAL_URL', 'ADMIN_PORTAL_URL']) {
    for (const value of ['portal.example.com', 'mailto:ops@example.com', 'javascript:alert(1)']) {
      it(`refuses ${variable}=${value}, naming the variable`, () => {
        assert.throws(
          () => loadConfig({ [variable]: value }),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.deepEqual(Object.keys(err.problems), [variable]);
            assert.match(err.problems[variable]!, /http\(s\) URL/);
            return true;
          },
        );
      });
    }
  }
});
