import assert from 'node:assert/strict';
import { decideDelivery, type DeliveryDecision, type RecipientAddress } from '../../../src/domain/notifications/decide';
// The rule for the categories a user may turn off; account messages have theirs (decide-account.test.ts).
import {
  DEFAULT_PREFERENCES,
  PREFERENCE_CATEGORIES as CATEGORIES,
  PRIORITIES,
  type PreferenceCategory as Category,
  type DeliveryChannel,
  type NotificationPreferences,
  type Priority,
} from '../../../src/domain/notifications/types';

// Quiet hours 22:00-07:00 in New York; in January that is EST (-05:00).
const QUIET = { enabled: true, start: '22:00', end: '07:00', timezone: 'America/New_York' };
const INSIDE_QUIET = new Date('2026-01-15T04:30:00Z'); // 23:30 EST on 14 Jan
const QUIET_ENDS = new Date('2026-01-15T12:00:00Z'); // 07:00 EST on 15 Jan
const OUTSIDE_QUIET = new Date('2026-01-15T17:00:00Z'); // 12:00 EST

const CATEGORY: Category = 'approval';
const CHANNELS: DeliveryChannel[] = ['email', 'sms'];
const ADDRESS_STATES = ['ok', 'missing', 'unverified'] as const;
type AddressState = (typeof ADDRESS_STATES)[number];

interface Combination {
  priority: Priority;
  channel: DeliveryChannel;
  channelEnabled: boolean;
  categoryOn: boolean;
  insideQuietHours: boolean;
  address: AddressState;
}

function prefs(over: Partial<NotificationPreferences> = {}): NotificationPreferences {
  return { ...structuredClone(DEFAULT_PREFERENCES), quietHours: { ...QUIET }, ...over };
}

/** The address under test in the given state; the other channel's address is always unusable, so it cannot rescue anything. */
function addressFor(channel: DeliveryChannel, state: AddressState): RecipientAddress {
  const value = state === 'missing' ? null : channel === 'email' ? 'pat@example.com' : '+15551234567';
  const verified = state === 'ok';
  return channel === 'email'
    ? { email: value, emailVerified: verified, phone: null, phoneVerified: false }
    : { email: null, emailVerified: false, phone: value, phoneVerified: verified };
}

/**
 * The spec, written independently: the blockers that nothing overrides come first, in the stated
 * order; the ones URGENT overrides come after; a message that survives them all goes now, or waits
 * for the end of quiet hours.
 */
function expected(c: Combination): DeliveryDecision {
  const urgent = c.priority === 'URGENT';
  const blockers: string[] = [];
  if (!c.channelEnabled) blockers.push('channel_disabled');
  if (c.address === 'missing') blockers.push('no_address');
  if (c.address === 'unverified') blockers.push('address_unverified');
  if (!c.categoryOn && !urgent) blockers.push('category_disabled');
  if (blockers.length > 0) return { action: 'skip', reason: blockers[0]! };
  if (c.insideQuietHours && !urgent) return { action: 'defer', until: QUIET_ENDS };
  return { action: 'send' };
}

function combinations(): Combination[] {
  const all: Combination[] = [];
  for (const priority of PRIORITIES)
    for (const channel of CHANNELS)
      for (const channelEnabled of [true, false])
        for (const categoryOn of [true, false])
          for (const insideQuietHours of [true, false])
            for (const address of ADDRESS_STATES) all.push({ priority, channel, channelEnabled, categoryOn, insideQuietHours, address });
  return all;
}

const describeDecision = (d: DeliveryDecision) =>
  d.action === 'skip' ? `skip (${d.reason})` : d.action === 'defer' ? `defer until ${d.until.toISOString()}` : 'send';

describe('domain/notifications/decide', () => {
  describe('every priority × channel × channel on/off × category on/off × inside/outside quiet hours × address state', () => {
    const all = combinations();
    it('covers 4 × 2 × 2 × 2 × 2 × 3 = 192 combinations', () => assert.equal(all.length, 192));

    for (const c of all) {
      const want = expected(c);
      const name =
        `${c.priority} ${c.channel}, channel ${c.channelEnabled ? 'on' : 'off'}, category ${c.categoryOn ? 'on' : 'off'}, ` +
        `${c.insideQuietHours ? 'inside' : 'outside'} quiet hours, address ${c.address} → ${describeDecision(want)}`;
      it(name, () => {
        const preferences = prefs({
          emailEnabled: c.channel === 'email' ? c.channelEnabled : true,
          smsEnabled: c.channel === 'sms' ? c.channelEnabled : true,
          categories: { ...DEFAULT_PREFERENCES.categories, [CATEGORY]: c.categoryOn },
        });
        const decision = decideDelivery({
          channel: c.channel,
          priority: c.priority,
          category: CATEGORY,
          preferences,
          address: addressFor(c.channel, c.address),
          now: c.insideQuietHours ? INSIDE_QUIET : OUTSIDE_QUIET,
        });
        assert.deepEqual(decision, want);
      });
    }
  });

  describe('channel switches', () => {
    const address: RecipientAddress = { email: 'pat@example.com', emailVerified: true, phone: '+15551234567', phoneVerified: true };
    const decide = (channel: DeliveryChannel, preferences: NotificationPreferences) =>
      decideDelivery({ channel, priority: 'URGENT', category: 'approval', preferences, address, now: OUTSIDE_QUIET });

    it('turning SMS off does not stop email, and the reverse', () => {
      assert.deepEqual(decide('email', prefs({ smsEnabled: false })), { action: 'send' });
      assert.deepEqual(decide('sms', prefs({ emailEnabled: false })), { action: 'send' });
      assert.deepEqual(decide('sms', prefs({ smsEnabled: false })), { action: 'skip', reason: 'channel_disabled' });
      assert.deepEqual(decide('email', prefs({ emailEnabled: false })), { action: 'skip', reason: 'channel_disabled' });
    });
  });

  describe('categories', () => {
    const address: RecipientAddress = { email: 'pat@example.com', emailVerified: true, phone: null, phoneVerified: false };
    for (const category of CATEGORIES) {
      it(`a non-urgent ${category} message is skipped when only ${category} is off, sent when another is`, () => {
        for (const priority of PRIORITIES.filter((p) => p !== 'URGENT')) {
          const off = prefs({ categories: { ...DEFAULT_PREFERENCES.categories, [category]: false } });
          const decide = (cat: Category) =>
            decideDelivery({ channel: 'email', priority, category: cat, preferences: off, address, now: OUTSIDE_QUIET });
          assert.deepEqual(decide(category), { action: 'skip', reason: 'category_disabled' });
          for (const other of CATEGORIES.filter((c) => c !== category)) assert.deepEqual(decide(other), { action: 'send' });
        }
      });
    }

    it('URGENT goes out with every category off, inside quiet hours', () => {
      const allOff = prefs({ categories: Object.fromEntries(CATEGORIES.map((c) => [c, false])) as Record<Category, boolean> });
      for (const category of CATEGORIES) {
        assert.deepEqual(
          decideDelivery({ channel: 'email', priority: 'URGENT', category, preferences: allOff, address, now: INSIDE_QUIET }),
          { action: 'send' },
        );
      }
    });

    it('treats a category missing from stored preferences as on', () => {
      const partial = prefs({ categories: { approval: true } as Record<Category, boolean> });
      assert.deepEqual(
        decideDelivery({ channel: 'email', priority: 'MEDIUM', category: 'reward', preferences: partial, address, now: OUTSIDE_QUIET }),
        { action: 'send' },
      );
    });
  });

  describe('addresses', () => {
    const base = { priority: 'HIGH' as Priority, category: 'assignment' as Category, preferences: prefs(), now: OUTSIDE_QUIET };
    const sms = (phone: string | null, phoneVerified = true) =>
      decideDelivery({ ...base, channel: 'sms', address: { email: 'pat@example.com', emailVerified: true, phone, phoneVerified } });
    const email = (addr: string | null, emailVerified = true) =>
      decideDelivery({ ...base, channel: 'email', address: { email: addr, emailVerified, phone: '+15551234567', phoneVerified: true } });

    it('sends SMS to a verified E.164 number', () => assert.deepEqual(sms('+442071838750'), { action: 'send' }));

    for (const phone of ['5551234567', '+1 555 123 4567', '+1-555-123-4567', '+05551234567', '+1234567890123456']) {
      it(`skips SMS to ${JSON.stringify(phone)} as invalid_phone, verified or not`, () => {
        assert.deepEqual(sms(phone), { action: 'skip', reason: 'invalid_phone' });
        assert.deepEqual(sms(phone, false), { action: 'skip', reason: 'invalid_phone' });
      });
    }

    it('treats an empty or blank address as missing', () => {
      assert.deepEqual(sms(''), { action: 'skip', reason: 'no_address' });
      assert.deepEqual(email(''), { action: 'skip', reason: 'no_address' });
      assert.deepEqual(email('   '), { action: 'skip', reason: 'no_address' });
    });

    it('checks only the address of the channel being delivered', () => {
      const address: RecipientAddress = { email: null, emailVerified: false, phone: '+15551234567', phoneVerified: true };
      assert.deepEqual(decideDelivery({ ...base, channel: 'sms', address }), { action: 'send' });
      assert.deepEqual(decideDelivery({ ...base, channel: 'email', address }), { action: 'skip', reason: 'no_address' });
    });

    it('does not judge an email address by its phone, or the reverse', () => {
      assert.deepEqual(email('pat@example.com'), { action: 'send' });
      assert.deepEqual(email('pat@example.com', false), { action: 'skip', reason: 'address_unverified' });
    });
  });

  describe('order of checks', () => {
    const everythingWrong = prefs({
      emailEnabled: false,
      smsEnabled: false,
      categories: Object.fromEntries(CATEGORIES.map((c) => [c, false])) as Record<Category, boolean>,
    });
    const noAddress: RecipientAddress = { email: null, emailVerified: false, phone: null, phoneVerified: false };
    const decide = (preferences: NotificationPreferences, address: RecipientAddress, priority: Priority = 'MEDIUM') =>
      decideDelivery({ channel: 'sms', priority, category: 'approval', preferences, address, now: INSIDE_QUIET });

    it('a disabled channel is reported before anything else', () => {
      assert.deepEqual(decide(everythingWrong, noAddress), { action: 'skip', reason: 'channel_disabled' });
    });
    it('then the address', () => {
      assert.deepEqual(decide({ ...everythingWrong, smsEnabled: true }, noAddress), { action: 'skip', reason: 'no_address' });
      assert.deepEqual(decide({ ...everythingWrong, smsEnabled: true }, { ...noAddress, phone: '555' }), {
        action: 'skip',
        reason: 'invalid_phone',
      });
    });
    it('then the category', () => {
      const address = { ...noAddress, phone: '+15551234567', phoneVerified: true };
      assert.deepEqual(decide({ ...everythingWrong, smsEnabled: true }, address), { action: 'skip', reason: 'category_disabled' });
    });
    it('then quiet hours', () => {
      const address = { ...noAddress, phone: '+15551234567', phoneVerified: true };
      assert.deepEqual(decide(prefs(), address), { action: 'defer', until: QUIET_ENDS });
    });
  });

  describe('quiet hours', () => {
    const address: RecipientAddress = { email: 'pat@example.com', emailVerified: true, phone: '+15551234567', phoneVerified: true };
    const decide = (now: Date, preferences = prefs(), priority: Priority = 'MEDIUM') =>
      decideDelivery({ channel: 'email', priority, category: 'repair_status', preferences, address, now });

    it('defers until the end in the recipient time zone, across a DST change', () => {
      // 23:00 EST on 7 Mar 2026; 07:00 the next morning is already EDT.
      assert.deepEqual(decide(new Date('2026-03-08T04:00:00Z')), { action: 'defer', until: new Date('2026-03-08T11:00:00Z') });
    });
    it('sends at exactly the end of the window', () => assert.deepEqual(decide(QUIET_ENDS), { action: 'send' }));
    it('sends during the window when quiet hours are disabled', () => {
      assert.deepEqual(decide(INSIDE_QUIET, prefs({ quietHours: { ...QUIET, enabled: false } })), { action: 'send' });
    });
    it('LOW, MEDIUM and HIGH wait; URGENT does not', () => {
      for (const priority of PRIORITIES) {
        const want = priority === 'URGENT' ? { action: 'send' } : { action: 'defer', until: QUIET_ENDS };
        assert.deepEqual(decide(INSIDE_QUIET, prefs(), priority), want, priority);
      }
    });
    it('returns a fresh Date the caller may keep', () => {
      const a = decide(INSIDE_QUIET);
      const b = decide(INSIDE_QUIET);
      assert.ok(a.action === 'defer' && b.action === 'defer');
      assert.notEqual(a.until, b.until);
    });
  });
});
