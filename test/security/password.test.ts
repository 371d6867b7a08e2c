import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../src/security/password';

describe('security/password (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse');
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct hors', hash), false);
  });

  it('salts: the same password hashes differently, and never appears in the hash', async () => {
    const [a, b] = await Promise.all([hashPassword('demo123'), hashPassword('demo123')]);
    assert.notEqual(a, b);
    assert.doesNotMatch(a, /demo123/);
    assert.match(a, /^scrypt\$32768\$8\$3\$/);
  });

  it('is slow on purpose (a brute-force guess costs real time)', async () => {
    const started = process.hrtime.bigint();
    await hashPassword('x');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms > 10, `scrypt took only ${ms} ms; parameters too weak`);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    assert.equal(await verifyPassword('x', 'plain-text'), false);
    assert.equal(await verifyPassword('x', 'bcrypt$1$2$3$salt$key'), false);
  });
});
