import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decideDelivery } from '../../../src/domain/notifications/decide';
import {
  channelsOutsideRollout,
  fullRollout,
  inRollout,
  NOT_IN_ROLLOUT,
  rolloutBucket,
  rolloutFromRows,
  ROLLOUT_CHANNELS,
} from '../../../src/domain/notifications/rollout';
import { CATEGORIES, DEFAULT_PREFERENCES, PRIORITIES } from '../../../src/domain/notifications/types';
import { ROLES } from '../../../src/domain/roles';

const userId = fc.integer({ min: 1, max: 2_147_483_647 });
const channel = fc.constantFrom(...ROLLOUT_CHANNELS);
const share = fc.integer({ min: 0, max: 100 });

/** How many of the ids from..from+count-1 a share lets in on a channel. */
function countInside(from: number, count: number, pct: number, ch: (typeof ROLLOUT_CHANNELS)[number]): number {
  let n = 0;
  for (let id = from; id < from + count; id++) if (inRollout(pct, id, ch)) n++;
  return n;
}

describe('domain: the staged rollout of email and SMS', () => {
  it('gives every user one bucket per channel, 0..99, the same on every call', () => {
    fc.assert(
      fc.property(userId, channel, (id, ch) => {
        const b = rolloutBucket(id, ch);
        assert.ok(Number.isInteger(b) && b >= 0 && b < 100, String(b));
        assert.equal(rolloutBucket(id, ch), b);
      }),
    );
  });

  it('only adds users as a share grows: inside at p means inside at every q >= p', () => {
    fc.assert(
      fc.property(userId, channel, share, share, (id, ch, a, b) => {
        const [p, q] = a <= b ? [a, b] : [b, a];
        if (inRollout(p, id, ch)) assert.ok(inRollout(q, id, ch), `user ${id} left ${ch} going from ${p} % to ${q} %`);
      }),
    );
  });

  it('lets nobody in at 0 % and everybody at 100 %', () => {
    fc.assert(
      fc.property(userId, channel, (id, ch) => {
        assert.equal(inRollout(0, id, ch), false);
        assert.equal(inRollout(100, id, ch), true);
      }),
    );
  });

  // Users are created one after another, so a role's users are runs of neighbouring ids. A run of 400
  // at 25 % is Binomial(400, 0.25) if the buckets behave as random: 100 ± 8.7 (one standard deviation).
  // Counted over every such run among the first 200,000 ids (the hash is fixed, so this is a
  // measurement, not a sample): none is off by more than 40 and at most 2.5 % by more than 20,
  // which is what a fair coin gives (2.1 % beyond 2.3 standard deviations).
  it('puts a quarter of any 400 neighbouring ids in at 25 %, as fairly as chance would', function () {
    this.timeout(20_000);
    for (const ch of ROLLOUT_CHANNELS) {
      const inside = Array.from({ length: 200_000 }, (_v, i) => (inRollout(25, i + 1, ch) ? 1 : 0));
      let run = inside.slice(0, 400).reduce<number>((a, b) => a + b, 0);
      let worst = 0;
      let offBy20 = 0;
      for (let start = 0; start + 400 <= inside.length; start++) {
        if (start > 0) run += inside[start + 399]! - inside[start - 1]!;
        worst = Math.max(worst, Math.abs(run - 100));
        if (Math.abs(run - 100) > 20) offBy20++;
      }
      assert.ok(worst <= 40, `${ch}: a run of 400 was off by ${worst}`);
      assert.ok(offBy20 / (inside.length - 399) <= 0.025, `${ch}: ${offBy20} runs off by more than 20`);
    }
  });

  it('spreads users evenly over the 100 buckets (chi-square over 100,000 ids)', () => {
    for (const ch of ROLLOUT_CHANNELS) {
      const counts = new Array<number>(100).fill(0);
      for (let id = 1; id <= 100_000; id++) counts[rolloutBucket(id, ch)]!++;
      const chi = counts.reduce((sum, c) => sum + (c - 1000) ** 2 / 1000, 0);
      // 99 degrees of freedom: 148 is the 0.1 % critical value.
      assert.ok(chi < 148, `${ch}: chi-square ${chi.toFixed(1)}`);
    }
  });

  it('draws the email and the SMS cohorts independently', () => {
    const both = Array.from({ length: 4000 }, (_v, i) => i + 1).filter((id) => inRollout(25, id, 'email') && inRollout(25, id, 'sms'));
    // Independent quarters overlap on a sixteenth: 250 ± 15; identical cohorts would give 1,000.
    assert.ok(Math.abs(both.length - 250) <= 60, `${both.length} in both`);
    assert.ok(countInside(1, 4000, 25, 'email') > 900);
  });

  it('reads a missing channel or role as 100 %, and stored rows over it', () => {
    assert.deepEqual(rolloutFromRows([]), fullRollout());
    const shares = rolloutFromRows([{ channel: 'sms', role: 'technician', share: 25 }]);
    assert.equal(shares.sms.technician, 25);
    assert.deepEqual([shares.sms.customer, shares.sms.admin, shares.email.technician], [100, 100, 100]);
    for (const role of ROLES) assert.deepEqual(channelsOutsideRollout(fullRollout(), role, 7), []);
  });

  it('names the channels a user is outside of, by their role', () => {
    const shares = rolloutFromRows([
      { channel: 'email', role: 'customer', share: 0 },
      { channel: 'sms', role: 'customer', share: 0 },
    ]);
    assert.deepEqual(channelsOutsideRollout(shares, 'customer', 42), ['email', 'sms']);
    assert.deepEqual(channelsOutsideRollout(shares, 'technician', 42), []);
  });

  describe('in the delivery decision', () => {
    const address = { email: 'a@example.com', emailVerified: true, phone: '+15551234567', phoneVerified: true };
    const now = new Date('2026-01-15T17:00:00Z');
    const preferences = { ...structuredClone(DEFAULT_PREFERENCES), quietHours: { ...DEFAULT_PREFERENCES.quietHours, enabled: false } };

    it('skips a channel outside the rollout as not_in_rollout, whatever the priority or other reasons', () => {
      for (const priority of PRIORITIES)
        for (const ch of ROLLOUT_CHANNELS) {
          const off = { ...preferences, emailEnabled: false, smsEnabled: false };
          for (const p of [preferences, off])
            assert.deepEqual(
              decideDelivery({ channel: ch, priority, category: 'repair_status', preferences: p, address, outsideRollout: [ch], now }),
              { action: 'skip', reason: NOT_IN_ROLLOUT },
            );
        }
    });

    it('leaves the other channel alone', () => {
      const d = decideDelivery({
        channel: 'email',
        priority: 'HIGH',
        category: 'repair_status',
        preferences,
        address,
        outsideRollout: ['sms'],
        now,
      });
      assert.deepEqual(d, { action: 'send' });
    });

    it('never holds an account message (a reset link or a code is how a user gets in)', () => {
      assert.ok(CATEGORIES.includes('account'));
      const d = decideDelivery({
        channel: 'email',
        priority: 'HIGH',
        category: 'account',
        preferences,
        address,
        outsideRollout: ['email', 'sms'],
        now,
      });
      assert.deepEqual(d, { action: 'send' });
    });
  });
});
