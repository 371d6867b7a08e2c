import assert from 'node:assert/strict';
import { createTokenService } from '../../src/security/tokens';

const SECRET = 's'.repeat(40);

describe('security/tokens', () => {
  it('round-trips the user id', async () => {
    const tokens = createTokenService(SECRET, 60_000);
    const { token, expiresAt } = await tokens.issue(7, 'admin');
    assert.equal(await tokens.verify(token), 7);
    assert.ok(expiresAt.getTime() > Date.now());
  });

  it('refuses an expired token', async () => {
    const issuedLongAgo = createTokenService(SECRET, 60_000, () => Date.now() - 120_000);
    const { token } = await issuedLongAgo.issue(7, 'admin');
    assert.equal(await createTokenService(SECRET, 60_000).verify(token), null);
  });

  it('refuses a token signed with another secret, or tampered with', async () => {
    const { token } = await createTokenService('o'.repeat(40), 60_000).issue(7, 'admin');
    const tokens = createTokenService(SECRET, 60_000);
    assert.equal(await tokens.verify(token), null);
    const good = (await tokens.issue(7, 'customer')).token;
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: '1', role: 'admin', iss: 'rsystems', exp: 9e9 })).toString('base64url');
    assert.equal(await tokens.verify(`${h}.${forged}.${s}`), null);
    assert.equal(await tokens.verify('not-a-token'), null);
  });
});
