import assert from 'node:assert/strict';
import {
  balanceOf,
  canRedeem,
  isReferralCodeShape,
  normaliseReferralCode,
  referralCode,
  REFERRAL_ALPHABET,
} from '../../src/domain/rewards';

describe('domain/rewards', () => {
  it('sums a ledger into a balance', () => {
    assert.equal(balanceOf([]), 0);
    assert.equal(balanceOf([{ delta: 10 }, { delta: 50 }, { delta: -50 }, { delta: 25 }]), 35);
  });

  it('never lets a redemption take the balance below zero', () => {
    assert.equal(canRedeem(50, 50), true);
    assert.equal(canRedeem(49, 50), false);
    assert.equal(canRedeem(0, 0), true);
    assert.equal(canRedeem(10, -5), false);
  });

  it('makes 10-character codes from the unambiguous alphabet, uniformly', () => {
    const code = referralCode(new Uint8Array([0, 31, 32, 255, 100, 7, 8, 9, 10, 11, 99]));
    assert.equal(code.length, 10);
    assert.equal(code, '0Z0Z4789AB');
    assert.ok(isReferralCodeShape(code));
    assert.equal(256 % REFERRAL_ALPHABET.length, 0, 'bytes map evenly onto the alphabet');
    assert.throws(() => referralCode(new Uint8Array(3)), RangeError);
  });

  it('reads codes as people type them', () => {
    assert.equal(normaliseReferralCode(' 0z0z4789ab '), '0Z0Z4789AB');
    assert.equal(normaliseReferralCode('OIL'), '011');
    assert.equal(isReferralCodeShape('SHORT'), false);
    assert.equal(isReferralCodeShape('0Z0ZM789A!'), false);
  });
});
