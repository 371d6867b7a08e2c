import assert from 'node:assert/strict';
import { ROUTES } from '../../src/api/app';
import { startHarness, type Harness } from '../support/harness';

describe('api: OpenAPI document and docs page', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it('serves /api/openapi.json without a token, documenting every route', async () => {
    const res = await h.request('GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.0.3');
    for (const route of ROUTES) {
      const path = `/api${route.path}`.replace(/:(\w+)/g, '{$1}');
      const op = res.body.paths[path]?.[route.method];
      assert.ok(op, `${route.method.toUpperCase()} ${path} is documented`);
      assert.ok(op.responses[String(route.status ?? 200)], `${path} documents its success status`);
      if (route.access !== 'public') assert.ok(op.responses['401'] && op.responses['403'], `${path} documents 401/403`);
    }
  });

  it('documents request bodies from the same schemas that validate them', async () => {
    const res = await h.request('GET', '/api/openapi.json');
    const login = res.body.paths['/api/auth/login'].post;
    assert.deepEqual(login.security, []);
    const schema = login.requestBody.content['application/json'].schema;
    assert.deepEqual([...schema.required].sort(), ['password', 'username']);
    const users = res.body.paths['/api/users'].post.requestBody.content['application/json'].schema;
    assert.equal(users.properties.password.minLength, 8);
    assert.deepEqual(users.properties.role.enum, ['customer', 'technician', 'admin']);
  });

  it('serves the docs page and its assets without a token', async () => {
    const page = await h.request('GET', '/api/docs');
    assert.equal(page.status, 200);
    assert.match(page.body, /swagger-ui-bundle\.js/);
    assert.match(page.body, /\/api\/openapi\.json/);
    const js = await fetch(`${h.api.url}/api/docs/assets/swagger-ui-bundle.js`);
    assert.equal(js.status, 200);
    assert.ok((await js.text()).length > 100_000);
    const other = await h.request('GET', '/api/docs/assets/package.json');
    assert.equal(other.status, 404);
  });
});
