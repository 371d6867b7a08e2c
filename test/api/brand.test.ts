import assert from 'node:assert/strict';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { assertAdminOnly } from './admin-access';
import { ok, requests } from './requests';

const BRAND = {
  companyName: 'Glass & Co',
  logoUrl: 'https://cdn.example.com/logo.png',
  primaryColor: '#123456',
  accentColor: '#fc0',
  footerText: 'Glass & Co, 1 Main St.',
};

describe('api: admin brand', () => {
  let h: Harness;
  const t: Record<string, string> = {};

  before(async () => {
    h = await startHarness();
    await insertUser(h.db, 'cara', 'customer', { customerId: await insertCustomer(h.db, 'Fleet B') });
    await insertUser(h.db, 'tim', 'technician');
    await insertUser(h.db, 'root', 'admin');
    for (const name of ['cara', 'tim', 'root']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const { get, put, post } = requests(() => h);
  const refused = async (body: unknown) => {
    const res = await put(t.root, '/api/admin/brand', body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    return res.body.error.fields as Record<string, string>;
  };

  it('is for admins only', async () => {
    await assertAdminOnly(h, { customer: t.cara!, technician: t.tim! }, [
      { method: 'GET', path: '/api/admin/brand' },
      { method: 'PUT', path: '/api/admin/brand', body: BRAND },
    ]);
    assert.equal(ok(await get(t.root, '/api/admin/brand')).companyName, 'RS Systems', 'nothing was written');
  });

  it('shows the installed brand', async () => {
    const brand = ok(await get(t.root, '/api/admin/brand'));
    assert.deepEqual([brand.companyName, brand.logoUrl, brand.primaryColor, brand.accentColor], ['RS Systems', null, '#0b5394', '#f1c232']);
    assert.match(brand.updatedAt, /^\d{4}-\d\d-\d\dT/);
  });

  it('refuses colours that are not hex, naming the field', async () => {
    assert.deepEqual(await refused({ ...BRAND, primaryColor: 'red; x' }), { primaryColor: 'must be a hex colour such as #0b5394 or #fc0' });
    for (const bad of ['red', '#12345', '#ggg', '#1234567', 'url(x)', '']) {
      assert.ok((await refused({ ...BRAND, accentColor: bad })).accentColor, bad);
    }
  });

  it('refuses a logo that is not an https URL', async () => {
    for (const bad of [
      'javascript:alert(1)',
      'http://cdn.example.com/logo.png',
      'data:image/png;base64,AAAA',
      '/logo.png',
      'https://a b.com/x',
    ]) {
      assert.equal((await refused({ ...BRAND, logoUrl: bad })).logoUrl, 'must be an https URL such as https://example.com/logo.png', bad);
    }
  });

  it('requires every field and a company name', async () => {
    assert.deepEqual(await refused({ ...BRAND, footerText: undefined }), { footerText: 'is required' });
    assert.deepEqual(await refused({ ...BRAND, companyName: '  ' }), { companyName: 'must not be empty' });
    assert.equal(ok(await get(t.root, '/api/admin/brand')).companyName, 'RS Systems', 'nothing was written');
  });

  it('replaces the brand; previews and new emails use it at once', async () => {
    const saved = ok(await put(t.root, '/api/admin/brand', BRAND));
    assert.deepEqual({ ...saved, updatedAt: undefined }, { ...BRAND, updatedAt: undefined });
    assert.deepEqual({ ...ok(await get(t.root, '/api/admin/brand')), updatedAt: undefined }, { ...saved, updatedAt: undefined });
    const preview = ok(await post(t.root, '/api/admin/templates/work_started/preview', {}));
    assert.match(preview.html, /<img src="https:\/\/cdn\.example\.com\/logo\.png" alt="Glass &amp; Co"/);
    assert.match(preview.html, /background:#123456;/);
    assert.match(preview.html, /border-bottom:4px solid #fc0;/);
    assert.match(preview.html, /Glass &amp; Co, 1 Main St\./);

    const noLogo = ok(await put(t.root, '/api/admin/brand', { ...BRAND, logoUrl: null, footerText: '' }));
    assert.deepEqual([noLogo.logoUrl, noLogo.footerText], [null, '']);
    const plain = ok(await post(t.root, '/api/admin/templates/approval_requested/preview', {}));
    assert.match(plain.sms, /^Glass & Co: /, 'brand.companyName in the SMS');
    assert.doesNotMatch(plain.html, /<img/);
  });
});
