import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { everythingOff, outbox, resetTokenIn, sleep } from './account-fixtures';
import { ok, requests } from './requests';

const NEW_PASSWORD = 'a-fresh-secret-42';

describe('api: password reset', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const { get, post, put } = requests(() => h);
  const mail = outbox(
    () => h,
    () => t.admin!,
  );
  const resetsOf = (userId: number) => h.db.knex('password_resets').where('userId', userId).orderBy('id');

  before(async () => {
    h = await startHarness();
    const customerId = await insertCustomer(h.db, 'Fleet One');
    for (const [name, role] of [
      ['admin', 'admin'],
      ['cust', 'customer'],
      ['tech', 'technician'],
      ['pat', 'customer'],
      ['quinn', 'customer'],
      ['rae', 'customer'],
      ['unverified', 'customer'],
    ] as const) {
      ids[name] = (await insertUser(h.db, name, role, { customerId })).userId;
    }
    for (const name of ['admin', 'cust', 'tech', 'pat']) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  it('answers 202 with the same body for an account that exists and one that does not; only the first gets mail', async () => {
    // Transactional: it goes out with every switch off, inside quiet hours.
    ok(await put(t.pat, '/api/notification-preferences', everythingOff()));
    const known = await post(undefined, '/api/auth/password-reset', { username: 'PAT' });
    const unknown = await post(undefined, '/api/auth/password-reset', { username: 'nobody-here' });
    assert.equal(known.status, 202);
    assert.deepEqual([unknown.status, unknown.body], [known.status, known.body]);

    const [email] = await mail.waitFor('pat@example.com', 'email');
    const token = resetTokenIn(email!.body);
    assert.equal(token.length, 43, '32 random bytes, base64url');
    assert.ok(email!.body.startsWith('Hello pat'));
    assert.match(email!.body, new RegExp(`${h.config.notifications.appUrl}/reset-password\\?token=`));

    // The in-app copy tells of it without the link.
    const notes = ok(await get(t.pat, '/api/notifications?category=account')).items;
    assert.equal(notes.length, 1);
    assert.equal(notes[0].actionUrl, null);
    assert.ok(!JSON.stringify(notes).includes(token));
    assert.deepEqual(notes[0].channels, ['email', 'in_app']);

    // Stored by its SHA-256 only.
    const rows = await resetsOf(ids.pat!);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].tokenHash, createHash('sha256').update(token).digest('hex'));
    assert.ok(!JSON.stringify(rows).includes(token));
    await sleep(300);
    assert.equal((await h.db.knex('password_resets')).length, 1, 'nothing issued for the unknown account');
    assert.equal((await h.db.knex('notifications').where('category', 'account')).length, 1);
  });

  it('two confirms of one link at the same moment: one sets its password, the other is refused', async () => {
    const { userId } = await insertUser(h.db, 'twin', 'customer');
    ok(await post(undefined, '/api/auth/password-reset', { username: 'twin' }), 202);
    const [token] = (await mail.waitFor('twin@example.com', 'email')).map((m) => resetTokenIn(m.body));
    const answers = await Promise.all(
      ['first-choice-secret-1', 'second-choice-secret-2'].map((newPassword) =>
        post(undefined, '/api/auth/password-reset/confirm', { token, newPassword }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400]);
    const loser = answers.find((a) => a.status === 400)!;
    assert.ok(loser.body.error.fields.token);
    const winner = answers[0]!.status === 200 ? 'first-choice-secret-1' : 'second-choice-secret-2';
    assert.equal((await post(undefined, '/api/auth/login', { username: 'twin', password: winner })).status, 200);
    assert.equal((await h.db.knex('password_resets').where({ userId }).whereNotNull('usedAt')).length, 1);
  });

  it('sets the new password with the link, ends every session, and uses up this and every other link', async () => {
    ok(await post(undefined, '/api/auth/password-reset', { username: 'quinn' }), 202);
    ok(await post(undefined, '/api/auth/password-reset', { username: 'quinn' }), 202);
    const quinn = await h.login('quinn', PASSWORD);
    const [used, other] = (await mail.waitFor('quinn@example.com', 'email', 2)).map((m) => resetTokenIn(m.body));

    const done = await post(undefined, '/api/auth/password-reset/confirm', { token: used, newPassword: NEW_PASSWORD });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await get(quinn, '/api/notifications')).status, 401, 'the session from before the reset has ended');
    assert.equal((await post(undefined, '/api/auth/login', { username: 'quinn', password: PASSWORD })).status, 401);
    const fresh = await h.login('quinn', NEW_PASSWORD);
    assert.equal((await get(fresh, '/api/notifications')).status, 200);

    for (const token of [used, other]) {
      const again = await post(undefined, '/api/auth/password-reset/confirm', { token, newPassword: 'yet-another-one-9' });
      assert.equal(again.status, 400);
      assert.equal(again.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(again.body.error.fields), ['token']);
    }
    await h.login('quinn', NEW_PASSWORD); // the refused tries changed nothing
    const sha = (token: string) => createHash('sha256').update(token).digest('hex');
    const state = Object.fromEntries(
      (await resetsOf(ids.quinn!)).map((r: { tokenHash: string; usedAt: Date | null; revokedAt: Date | null }) => [
        r.tokenHash,
        { used: r.usedAt !== null, revoked: r.revokedAt !== null },
      ]),
    );
    assert.deepEqual(state, { [sha(used!)]: { used: true, revoked: false }, [sha(other!)]: { used: false, revoked: true } });
  });

  it('refuses an unknown token and a weak password naming the field, and the link still works after', async () => {
    const bogus = await post(undefined, '/api/auth/password-reset/confirm', { token: 'x'.repeat(43), newPassword: NEW_PASSWORD });
    assert.equal(bogus.status, 400);
    assert.deepEqual(Object.keys(bogus.body.error.fields), ['token']);
    const empty = await post(undefined, '/api/auth/password-reset/confirm', {});
    assert.deepEqual(empty.body.error.fields, { token: 'is required', newPassword: 'is required' });
    assert.deepEqual((await post(undefined, '/api/auth/password-reset', {})).body.error.fields, { username: 'is required' });

    ok(await post(undefined, '/api/auth/password-reset', { username: 'rae' }), 202);
    const [email] = await mail.waitFor('rae@example.com', 'email');
    const token = resetTokenIn(email!.body);
    const short = await post(undefined, '/api/auth/password-reset/confirm', { token, newPassword: 'short' });
    assert.deepEqual(short.body.error.fields, { newPassword: 'must be at least 8 characters' });
    const named = await post(undefined, '/api/auth/password-reset/confirm', { token, newPassword: 'rae-is-my-name' });
    assert.deepEqual(named.body.error.fields, { newPassword: 'must not contain the username' });
    ok(await post(undefined, '/api/auth/password-reset/confirm', { token, newPassword: NEW_PASSWORD }));
    await h.login('rae', NEW_PASSWORD);
  });

  it('sends nothing, and issues nothing, to an account without a verified email address', async () => {
    await h.db.knex('users').where('id', ids.unverified!).update({ emailVerified: false });
    ok(await post(undefined, '/api/auth/password-reset', { username: 'unverified' }), 202);
    const admin = await post(t.admin, `/api/users/${ids.unverified}/password-reset`);
    assert.deepEqual(ok(admin, 202), { userId: ids.unverified, emailQueued: false });
    await sleep(500);
    assert.equal((await resetsOf(ids.unverified!)).length, 0);
    assert.deepEqual(await mail.read('unverified@example.com', 'email'), []);
  });

  describe('POST /api/users/:id/password-reset', () => {
    it('lets an admin send the link (202), which works like one the user asked for', async () => {
      const res = await post(t.admin, `/api/users/${ids.cust}/password-reset`);
      assert.deepEqual(ok(res, 202), { userId: ids.cust, emailQueued: true });
      const [email] = await mail.waitFor('cust@example.com', 'email');
      const [row] = await resetsOf(ids.cust!);
      assert.equal(row.requestedBy, ids.admin);
      ok(await post(undefined, '/api/auth/password-reset/confirm', { token: resetTokenIn(email!.body), newPassword: NEW_PASSWORD }));
      t.cust = await h.login('cust', NEW_PASSWORD);
    });

    it('is for admins only (403 for customers and technicians, 401 without a token) and 404 for an unknown user', async () => {
      assert.equal((await post(t.cust, `/api/users/${ids.pat}/password-reset`)).status, 403);
      assert.equal((await post(t.tech, `/api/users/${ids.pat}/password-reset`)).status, 403);
      assert.equal((await post(undefined, `/api/users/${ids.pat}/password-reset`)).status, 401);
      assert.equal((await post(t.admin, '/api/users/999999/password-reset')).status, 404);
      assert.deepEqual(Object.keys((await post(t.admin, '/api/users/abc/password-reset')).body.error.fields), ['id']);
    });
  });

  it('takes requests from anyone: with or without a token of any role, the same 202', async () => {
    const bodies = [];
    for (const token of [undefined, t.cust, t.tech, t.admin]) {
      bodies.push(ok(await post(token, '/api/auth/password-reset', { username: 'nobody-at-all' }), 202));
      const confirm = await post(token, '/api/auth/password-reset/confirm', { token: 'y'.repeat(43), newPassword: NEW_PASSWORD });
      assert.deepEqual(Object.keys(confirm.body.error.fields), ['token']);
    }
    assert.equal(new Set(bodies.map((b) => JSON.stringify(b))).size, 1);
  });
});

describe('api: password reset links expire', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ PASSWORD_RESET_TTL: '1s' });
    await insertUser(h.db, 'root', 'admin');
    await insertUser(h.db, 'sam', 'admin');
  });
  after(() => h?.close());

  it('refuses a token after PASSWORD_RESET_TTL, and the password stays', async () => {
    const admin = await h.login('root', PASSWORD);
    const mail = outbox(
      () => h,
      () => admin,
    );
    ok(await h.request('POST', '/api/auth/password-reset', { body: { username: 'sam' } }), 202);
    const [email] = await mail.waitFor('sam@example.com', 'email');
    await sleep(1_100);
    const res = await h.request('POST', '/api/auth/password-reset/confirm', {
      body: { token: resetTokenIn(email!.body), newPassword: NEW_PASSWORD },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(res.body.error.fields), ['token']);
    await h.login('sam', PASSWORD);
  });
});
