import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertUser, PASSWORD } from '../support/fixtures';

describe('api: bad input is a clear 4xx and changes nothing', () => {
  let h: Harness;
  let admin: string;
  const customerCount = async () => await h.db.models.Customer.query().resultSize();

  before(async () => {
    h = await startHarness({ BODY_LIMIT_KB: '8' });
    await insertUser(h.db, 'root', 'admin');
    admin = await h.login('root', PASSWORD);
  });
  after(() => h?.close());

  it('missing fields: 400 naming each field', async () => {
    const res = await h.request('POST', '/api/users', { token: admin, body: {} });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(res.body.error.fields, { username: 'is required', password: 'is required', role: 'is required' });
  });

  it('wrong types: 400 saying what was expected', async () => {
    const res = await h.request('POST', '/api/customers', { token: admin, body: { name: 42, phone: true } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.fields, { name: 'must be a string', phone: 'must be a string' });
    assert.equal(await customerCount(), 0);
  });

  it('bad values: 400 with the rule that was broken', async () => {
    const res = await h.request('POST', '/api/customers', {
      token: admin,
      body: { name: 'Acme', email: 'not-an-email', phone: '555-0100' },
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error.fields.email, /email/);
    assert.match(res.body.error.fields.phone, /E\.164/);
    assert.equal(await customerCount(), 0);
  });

  it('a body that is not an object: 400 on the body', async () => {
    const res = await h.request('POST', '/api/customers', {
      token: admin,
      rawBody: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400);
    assert.ok(res.body.error.fields.body, JSON.stringify(res.body));
  });

  it('malformed JSON: 400 on the body', async () => {
    const res = await h.request('POST', '/api/customers', {
      token: admin,
      rawBody: '{"name": "Acme",',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.fields, { body: 'is not valid JSON' });
    assert.equal(await customerCount(), 0);
  });

  it('an oversized body: 400 on the body, naming the limit', async () => {
    const res = await h.request('POST', '/api/customers', { token: admin, body: { name: 'x'.repeat(20_000) } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.fields, { body: 'is larger than the 8 KiB limit' });
    assert.equal(await customerCount(), 0);
  });

  it('a body that is not JSON: 415', async () => {
    const res = await h.request('POST', '/api/customers', {
      token: admin,
      rawBody: 'name=Acme',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a bad path parameter: 400 naming it', async () => {
    const res = await h.request('GET', '/api/repairs/abc', { token: admin });
    assert.equal(res.status, 400);
    assert.ok(res.body.error.fields.id);
  });

  it('an unknown route: 404 in the error format', async () => {
    const res = await h.request('GET', '/api/nothing-here', { token: admin });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'NOT_FOUND');
  });

  it('a known route with the wrong method: 405', async () => {
    const res = await h.request('DELETE', '/api/customers', { token: admin });
    assert.equal(res.status, 405);
    assert.equal(res.body.error.code, 'METHOD_NOT_ALLOWED');
  });

  it('every response carries a request id, echoing a sane client one', async () => {
    const res = await h.request('GET', '/api/health', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    const other = await h.request('GET', '/api/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(other.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
