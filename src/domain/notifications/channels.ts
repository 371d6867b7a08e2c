import { type Channel, type Priority } from './types';

const BY_PRIORITY: Record<Priority, readonly Channel[]> = {
  URGENT: ['sms', 'email', 'in_app'],
  HIGH: ['sms', 'in_app'],
  MEDIUM: ['email', 'in_app'],
  LOW: ['in_app'],
};

/** The channels a notification of this priority goes out on, most immediate first. */
export function channelsFor(priority: Priority): Channel[] {
  // A copy, so that a caller filtering the list in place cannot change the table.
  return [...BY_PRIORITY[priority]];
}
