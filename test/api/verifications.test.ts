import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { codeIn, everythingOff, outbox } from './account-fixtures';
import { ok, requests } from './requests';

const PHONE = '+15555550142';

describe('api: address verification', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const { get, post, put } = requests(() => h);
  const mail = outbox(
    () => h,
    () => t.admin!,
  );
  const user = (name: string) => h.db.knex('users').where('id', ids[name]!);
  const unverify = (name: string, patch: Record<string, unknown> = {}) => user(name).update({ emailVerified: false, ...patch });
  const request = (name: string, channel: string) => post(t[name], '/api/me/verifications', { channel });
  const confirm = (name: string, channel: string, code: string) => post(t[name], '/api/me/verifications/confirm', { channel, code });
  /** A code that is not `code`. */
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  before(async () => {
    h = await startHarness();
    const customerId = await insertCustomer(h.db, 'Fleet One');
    for (const [name, role] of [
      ['admin', 'admin'],
      ['cust', 'customer'],
      ['tech', 'technician'],
      ['ann', 'customer'],
      ['ben', 'customer'],
      ['cal', 'customer'],
      ['dee', 'customer'],
    ] as const) {
      ids[name] = (await insertUser(h.db, name, role, { customerId })).userId;
      t[name] = await h.login(name, PASSWORD);
    }
  });
  after(() => h?.close());

  it('lets every role verify their own email (202, then 200), and nobody without a token (401)', async () => {
    for (const name of ['cust', 'tech', 'admin']) {
      await unverify(name);
      const sent = ok(await request(name, 'email'), 202);
      assert.deepEqual([sent.channel, sent.address], ['email', `${name}@example.com`]);
      const [email] = await mail.waitFor(`${name}@example.com`, 'email');
      assert.deepEqual(ok(await confirm(name, 'email', codeIn(email!.body))), {
        channel: 'email',
        address: `${name}@example.com`,
        verified: true,
      });
      assert.equal((await user(name).first()).emailVerified, true);
    }
    assert.equal((await post(undefined, '/api/me/verifications', { channel: 'email' })).status, 401);
    assert.equal((await post(undefined, '/api/me/verifications/confirm', { channel: 'email', code: '123456' })).status, 401);
  });

  it('sends the code to the unverified address whatever the preferences, keeps it out of the in-app copy and stores it hashed', async () => {
    ok(await put(t.ann, '/api/notification-preferences', everythingOff()));
    await unverify('ann');
    ok(await request('ann', 'email'), 202);
    const [email] = await mail.waitFor('ann@example.com', 'email');
    const code = codeIn(email!.body);
    const notes = ok(await get(t.ann, '/api/notifications?category=account')).items;
    assert.equal(notes.length, 1);
    assert.equal(notes[0].title, 'Confirm your email address');
    assert.ok(!JSON.stringify(notes).includes(code));
    const [row] = await h.db.knex('address_verifications').where('userId', ids.ann!);
    assert.equal(row.address, 'ann@example.com');
    assert.match(row.codeHash, /^scrypt\$/);
    assert.ok(!JSON.stringify(row).includes(code));
  });

  it('kills a code after 5 wrong tries (400 naming code each time), then the right one verifies only a new code', async () => {
    // Ann's code from the test above.
    const [email] = await mail.read('ann@example.com', 'email');
    const code = codeIn(email!.body);
    for (let left = 4; left >= 0; left--) {
      const res = await confirm('ann', 'email', wrong(code));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(res.body.error.fields), ['code']);
      if (left > 0) assert.match(res.body.error.fields.code, new RegExp(`${left} tr(y|ies) left`));
    }
    const dead = await confirm('ann', 'email', code);
    assert.deepEqual(dead.body.error.fields, { code: 'was entered wrongly too many times; request a new one' });
    assert.equal((await user('ann').first()).emailVerified, false);

    ok(await request('ann', 'email'), 202);
    const [fresh] = await mail.waitFor('ann@example.com', 'email', 2);
    ok(await confirm('ann', 'email', codeIn(fresh!.body)));
    assert.equal((await user('ann').first()).emailVerified, true);
    const used = await confirm('ann', 'email', codeIn(fresh!.body));
    assert.deepEqual(Object.keys(used.body.error.fields), ['code']);
  });

  it('replaces the previous code with a new request', async () => {
    await unverify('ben');
    ok(await request('ben', 'email'), 202);
    const [first] = await mail.waitFor('ben@example.com', 'email');
    ok(await request('ben', 'email'), 202);
    const [second] = await mail.waitFor('ben@example.com', 'email', 2);
    const [a, b] = [codeIn(first!.body), codeIn(second!.body)];
    if (a !== b) assert.equal((await confirm('ben', 'email', a)).status, 400);
    ok(await confirm('ben', 'email', b));
    assert.equal((await h.db.knex('address_verifications').where('userId', ids.ben!)).length, 1);
  });

  it('does not let a code for an old address verify a new one', async () => {
    await unverify('cal');
    ok(await request('cal', 'email'), 202);
    const [email] = await mail.waitFor('cal@example.com', 'email');
    await user('cal').update({ email: 'cal.new@example.com', emailVerified: false });
    const res = await confirm('cal', 'email', codeIn(email!.body));
    assert.equal(res.status, 400);
    assert.match(res.body.error.fields.code, /no longer your email address/);
    assert.equal((await user('cal').first()).emailVerified, false);
  });

  it('verifies a phone number by SMS, with SMS switched off', async () => {
    ok(await put(t.cal, '/api/notification-preferences', everythingOff()));
    await user('cal').update({ phone: PHONE, phoneVerified: false });
    ok(await request('cal', 'sms'), 202);
    const [sms] = await mail.waitFor(PHONE, 'sms');
    ok(await confirm('cal', 'sms', codeIn(sms!.body)));
    assert.equal((await user('cal').first()).phoneVerified, true);
    assert.deepEqual(await mail.read('cal.new@example.com', 'email'), [], 'the code went by SMS only');
  });

  it('compares no more than 5 guesses of one code, however many arrive at once', async () => {
    await unverify('dee');
    ok(await request('dee', 'email'), 202);
    const [email] = await mail.waitFor('dee@example.com', 'email');
    const code = codeIn(email!.body);
    const answers = await Promise.all(Array.from({ length: 12 }, () => confirm('dee', 'email', wrong(code))));
    assert.ok(answers.every((a) => a.status === 400));
    const compared = answers.filter((a) => /^is not correct/.test(a.body.error.fields.code)).length;
    assert.equal(compared, 5);
    assert.equal((await confirm('dee', 'email', code)).status, 400);
    assert.equal((await h.db.knex('address_verifications').where('userId', ids.dee!).first()).attempts, 5);
  });

  it('names the field of every refusal', async () => {
    const noPhone = await request('ben', 'sms');
    assert.equal(noPhone.status, 400);
    assert.deepEqual(noPhone.body.error.fields, { channel: 'your account has no phone number to verify' });
    const verified = await request('ben', 'email');
    assert.equal(verified.status, 409);
    assert.deepEqual(verified.body.error.fields, { channel: 'your email address is already verified' });
    assert.deepEqual(Object.keys((await request('ben', 'fax')).body.error.fields), ['channel']);
    assert.deepEqual((await confirm('ben', 'email', '12ab')).body.error.fields, { code: 'must be the 6-digit code' });
    assert.deepEqual((await post(t.ben, '/api/me/verifications/confirm', {})).body.error.fields, {
      channel: 'is required',
      code: 'is required',
    });
    assert.deepEqual((await confirm('ben', 'sms', '123456')).body.error.fields, {
      code: 'no code was requested for this channel; request one first',
    });
  });
});
