import { quietHoursEnd } from './quiet-hours';
import { isE164 } from './sms';
import { type Category, type DeliveryChannel, type NotificationPreferences, type Priority } from './types';

export interface RecipientAddress {
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
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
 * Whether one email/SMS goes out now, later, or not at all. The in-app record is not decided here:
 * it always exists. Which channels a priority uses is channelsFor's business; this only judges a
 * channel the caller has already chosen.
 *
 * URGENT overrides the recipient's category toggles and quiet hours, but never a channel they turned
 * off or an address that cannot (or may not yet) be used.
 */
export function decideDelivery(input: {
  channel: DeliveryChannel;
  priority: Priority;
  category: Category;
  preferences: NotificationPreferences;
  address: RecipientAddress;
  now: Date;
}): DeliveryDecision {
  const { channel, priority, category, preferences, address, now } = input;

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
