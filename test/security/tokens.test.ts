import assert from 'node:assert/strict';
import { createTokenService } from '../../src/security/tokens';

const SECRET = 's'.repeat(40);

describe('security/tokens', () => {
  it('round-trips the user id', async () => {
    const tokens = createTokenService(SECRET, 60_000);
    const { token, expiresAt } = await tokens.issue(7, 'admin', 0);
    assert.deepEqual(await tokens.verify(token), { userId: 7, sessionVersion: 0 });
    assert.ok(expiresAt.getTime() > Date.now());
  });

  it('refuses an expired token', async () => {
    const issuedLongAgo = createTokenService(SECRET, 60_000, () => Date.now() - 120_000);
    const { token } = await issuedLongAgo.issue(7, 'admin', 0);
    assert.equal(await createTokenService(SECRET, 60_000).verify(token), null);
  });

  it('refuses a token signed with another secret, or tampered with', async () => {
    const { token } = await createTokenService('o'.repeat(40), 60_000).issue(7, 'admin', 0);
    const tokens = createTokenService(SECRET, 60_000);
    assert.equal(await tokens.verify(token), null);
    const good = (await tokens.issue(7, 'customer', 0)).token;
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: '1', role: 'admin', iss: 'rsystems', exp: 9e9 })).toString('base64url');
    assert.equal(await tokens.verify(`${h}.${forged}.${s}`), null);
    assert.equal(await tokens.verify('not-a-token'), null);
  });

  it('carries the session version, and refuses a token without one (issued before versions existed)', async () => {
    const tokens = createTokenService(SECRET, 60_000);
    const { token } = await tokens.issue(9, 'customer', 4);
    assert.deepEqual(await tokens.verify(token), { userId: 9, sessionVersion: 4 });
    const { SignJWT } = await import('jose');
    const legacy = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('9')
      .setIssuer('rsystems')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    assert.equal(await tokens.verify(legacy), null);
  });
});
