import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keys } from '../../src/domain/keys';
import { ledgerSource } from '../../src/domain/rewards';

const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

// The history reads back what the key registry writes: a format changed on one side only would
// show every entry without its repair or redemption.
describe('domain/rewards: what a ledger entry points at', () => {
  it('reads the repair back from keys.repairPoints', () => {
    fc.assert(fc.property(id, (repairId) => assert.deepEqual(ledgerSource(keys.repairPoints(repairId)), { repairId, redemptionId: null })));
  });

  it('reads the redemption back from keys.redemptionPoints', () => {
    fc.assert(
      fc.property(id, (redemptionId) =>
        assert.deepEqual(ledgerSource(keys.redemptionPoints(redemptionId)), { repairId: null, redemptionId }),
      ),
    );
  });

  it('names neither for a referral (the other user stays private) or an unknown reference', () => {
    fc.assert(
      fc.property(id, fc.constantFrom('referrer' as const, 'referred' as const), (userId, side) =>
        assert.deepEqual(ledgerSource(keys.referralPoints(userId, side)), { repairId: null, redemptionId: null }),
      ),
    );
    for (const ref of ['', 'repair:12', 'repair:x:completed', 'redemption:', 'redemption:3:extra', 'xrepair:1:completed'])
      assert.deepEqual(ledgerSource(ref), { repairId: null, redemptionId: null }, ref);
  });
});
