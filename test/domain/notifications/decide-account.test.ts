import assert from 'node:assert/strict';
import { decideDelivery, type RecipientAddress, type VerifyingAddress } from '../../../src/domain/notifications/decide';
import { accountChannels, accountPriority, deadCodeReason } from '../../../src/domain/notifications/account';
import {
  DEFAULT_PREFERENCES,
  PREFERENCE_CATEGORIES,
  PRIORITIES,
  type DeliveryChannel,
  type NotificationPreferences,
  type PreferenceCategory,
} from '../../../src/domain/notifications/types';

const INSIDE_QUIET = new Date('2026-01-15T04:30:00Z'); // 23:30 in New York
const VERIFIED: RecipientAddress = { email: 'pat@example.com', emailVerified: true, phone: '+15551234567', phoneVerified: true };
const UNVERIFIED: RecipientAddress = { email: 'pat@example.com', emailVerified: false, phone: '+15551234567', phoneVerified: false };

/** Everything a user can switch off, switched off, inside quiet hours. */
const EVERYTHING_OFF: NotificationPreferences = {
  ...structuredClone(DEFAULT_PREFERENCES),
  emailEnabled: false,
  smsEnabled: false,
  categories: Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, false])) as Record<PreferenceCategory, boolean>,
  quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: 'America/New_York' },
};

const decide = (channel: DeliveryChannel, address: RecipientAddress, verifying?: VerifyingAddress, preferences = EVERYTHING_OFF) =>
  decideDelivery({ channel, priority: accountPriority(channel), category: 'account', preferences, address, verifying, now: INSIDE_QUIET });

describe('domain/notifications/decide: account messages', () => {
  describe('a password reset (no address being verified)', () => {
    for (const channel of ['email', 'sms'] as const) {
      it(`goes by ${channel} to a verified address with every switch off, inside quiet hours`, () => {
        assert.deepEqual(decide(channel, VERIFIED), { action: 'send' });
      });
      it(`never goes by ${channel} to an unverified or missing address`, () => {
        assert.deepEqual(decide(channel, UNVERIFIED), { action: 'skip', reason: 'address_unverified' });
        assert.deepEqual(decide(channel, { email: null, emailVerified: false, phone: null, phoneVerified: false }), {
          action: 'skip',
          reason: 'no_address',
        });
      });
    }
    it('whatever the priority: the category, not the priority, makes it transactional', () => {
      for (const priority of PRIORITIES) {
        assert.deepEqual(
          decideDelivery({
            channel: 'email',
            priority,
            category: 'account',
            preferences: EVERYTHING_OFF,
            address: VERIFIED,
            now: INSIDE_QUIET,
          }),
          { action: 'send' },
          priority,
        );
      }
    });
  });

  describe('a verification code', () => {
    const email: VerifyingAddress = { channel: 'email', address: 'pat@example.com' };
    const sms: VerifyingAddress = { channel: 'sms', address: '+15551234567' };

    it('goes to the unverified address it verifies, with every switch off, inside quiet hours', () => {
      assert.deepEqual(decide('email', UNVERIFIED, email), { action: 'send' });
      assert.deepEqual(decide('sms', UNVERIFIED, sms), { action: 'send' });
    });
    it('goes nowhere else: not by the other channel (an SMS budget fallback), not to a verified address', () => {
      assert.deepEqual(decide('email', VERIFIED, sms), { action: 'skip', reason: 'not_the_address_being_verified' });
      assert.deepEqual(decide('sms', VERIFIED, email), { action: 'skip', reason: 'not_the_address_being_verified' });
    });
    it('is dropped once the user has changed that address, or removed it', () => {
      assert.deepEqual(decide('email', { ...UNVERIFIED, email: 'new@example.com' }, email), { action: 'skip', reason: 'address_changed' });
      assert.deepEqual(decide('sms', { ...UNVERIFIED, phone: null }, sms), { action: 'skip', reason: 'no_address' });
    });
    it('never goes to a number SMS cannot reach', () => {
      assert.deepEqual(decide('sms', { ...UNVERIFIED, phone: '5551234567' }, { channel: 'sms', address: '5551234567' }), {
        action: 'skip',
        reason: 'invalid_phone',
      });
    });
  });

  it('is never held by the preferences that hold every other category', () => {
    const other = decideDelivery({
      channel: 'email',
      priority: 'MEDIUM',
      category: 'system',
      preferences: { ...EVERYTHING_OFF, emailEnabled: true },
      address: VERIFIED,
      now: INSIDE_QUIET,
    });
    assert.deepEqual(other, { action: 'skip', reason: 'category_disabled' });
    assert.deepEqual(decide('email', VERIFIED, undefined, { ...EVERYTHING_OFF, emailEnabled: true }), { action: 'send' });
  });

  it('travels on in-app plus its one channel', () => {
    assert.deepEqual(accountChannels('email'), ['email', 'in_app']);
    assert.deepEqual(accountChannels('sms'), ['sms', 'in_app']);
  });

  describe('a verification code can be tried', () => {
    const now = new Date('2026-01-15T12:00:00Z');
    const code = { expiresAt: new Date('2026-01-15T12:05:00Z'), attempts: 0, consumedAt: null };
    it('until it expires, is used, or has had its tries', () => {
      assert.equal(deadCodeReason(code, now, 5), null);
      assert.equal(deadCodeReason({ ...code, attempts: 4 }, now, 5), null);
      assert.equal(deadCodeReason({ ...code, attempts: 5 }, now, 5), 'exhausted');
      assert.equal(deadCodeReason({ ...code, expiresAt: now }, now, 5), 'expired');
      assert.equal(deadCodeReason({ ...code, consumedAt: now }, now, 5), 'used');
    });
  });
});
