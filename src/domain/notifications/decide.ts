import { quietHoursEnd } from './quiet-hours';
import { isE164 } from '../phone-numbers';
import { NOT_IN_ROLLOUT } from './rollout';
import { type Category, type DeliveryChannel, type NotificationPreferences, type Priority } from './types';

export interface RecipientAddress {
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
}

/**
 * An address-verification message: the channel and address whose code it carries. It may go there
 * while the address is unverified (that is the point), and nowhere else.
 */
export interface VerifyingAddress {
  channel: DeliveryChannel;
  address: string;
}

export type DeliveryDecision = { action: 'send' } | { action: 'defer'; until: Date } | { action: 'skip'; reason: string };

const skip = (reason: string): DeliveryDecision => ({ action: 'skip', reason });

function addressProblem(channel: DeliveryChannel, address: RecipientAddress): string | null {
  const [value, verified] = channel === 'email' ? [address.email, address.emailVerified] : [address.phone, address.phoneVerified];
  if (value === null || value.trim() === '') return 'no_address';
  // A malformed number can never be delivered, verified or not, so it is the more useful reason to log.
  if (channel === 'sms' && !isE164(value)) return 'invalid_phone';
  if (!verified) return 'address_unverified';
  return null;
}

/**
 * Account messages (category `account`: password reset, address verification) are transactional:
 * no channel switch, category toggle or quiet hours holds them, since they are how a user gets back
 * in. What still stops them is the address: a verification code goes only to the address it
 * verifies, and only while that is still the user's address on that channel; anything else (a
 * reset link) only to a verified, usable address.
 */
function decideAccountDelivery(channel: DeliveryChannel, address: RecipientAddress, verifying: VerifyingAddress | null): DeliveryDecision {
  if (verifying === null) {
    const problem = addressProblem(channel, address);
    return problem === null ? { action: 'send' } : skip(problem);
  }
  if (verifying.channel !== channel) return skip('not_the_address_being_verified');
  const current = channel === 'email' ? address.email : address.phone;
  if (current === null || current.trim() === '') return skip('no_address');
  if (current !== verifying.address) return skip('address_changed');
  if (channel === 'sms' && !isE164(current)) return skip('invalid_phone');
  return { action: 'send' };
}

/**
 * Whether one email/SMS goes out now, later, or not at all. The in-app record is not decided here:
 * it always exists. Which channels a priority uses is channelsFor's business; this only judges a
 * channel the caller has already chosen.
 *
 * URGENT overrides the recipient's category toggles and quiet hours, but never a channel they turned
 * off or an address that cannot (or may not yet) be used. Account messages follow their own rule
 * (decideAccountDelivery).
 *
 * A channel the staged rollout has not reached for this user (`outsideRollout`) is skipped first,
 * whatever the priority: for them the channel is not switched on yet, so their own switches and
 * addresses are not what stops it. Account messages are never held by the rollout.
 */
export function decideDelivery(input: {
  channel: DeliveryChannel;
  priority: Priority;
  category: Category;
  preferences: NotificationPreferences;
  address: RecipientAddress;
  /** Set on an address-verification message only. */
  verifying?: VerifyingAddress | null;
  /** The channels the staged rollout has not reached for the recipient (see rollout.ts). */
  outsideRollout?: readonly DeliveryChannel[];
  now: Date;
}): DeliveryDecision {
  const { channel, priority, category, preferences, address, now } = input;
  if (category === 'account') return decideAccountDelivery(channel, address, input.verifying ?? null);

  if (input.outsideRollout?.includes(channel)) return skip(NOT_IN_ROLLOUT);

  const channelEnabled = channel === 'email' ? preferences.emailEnabled : preferences.smsEnabled;
  if (!channelEnabled) return skip('channel_disabled');

  const problem = addressProblem(channel, address);
  if (problem !== null) return skip(problem);

  if (priority === 'URGENT') return { action: 'send' };

  // Only an explicit `false` turns a category off, so a category added later defaults to on for stored preferences.
  if (preferences.categories[category] === false) return skip('category_disabled');

  const until = quietHoursEnd(now, preferences.quietHours);
  if (until !== null) return { action: 'defer', until };

  return { action: 'send' };
}
