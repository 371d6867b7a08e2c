export const PRIORITIES = ['URGENT', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Every category a notification may have. */
export const CATEGORIES = ['repair_status', 'assignment', 'approval', 'reward', 'system', 'account'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The categories a user may turn off. `account` (password reset, address verification) is not one:
 * those messages are what lets a user back into their account, so no preference may stop them.
 */
export const PREFERENCE_CATEGORIES = ['repair_status', 'assignment', 'approval', 'reward', 'system'] as const satisfies readonly Category[];
export type PreferenceCategory = (typeof PREFERENCE_CATEGORIES)[number];

export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The in-app record is written at once for everyone; only these channels are delivered (and may be skipped or deferred). */
export type DeliveryChannel = Exclude<Channel, 'in_app'>;

export interface QuietHours {
  enabled: boolean;
  /** "HH:MM", 24-hour, in `timezone`. */
  start: string;
  /** "HH:MM"; the window is [start, end) and crosses midnight when end is earlier than start. */
  end: string;
  /** IANA time zone name. */
  timezone: string;
}

export interface NotificationPreferences {
  emailEnabled: boolean;
  smsEnabled: boolean;
  categories: Record<PreferenceCategory, boolean>;
  quietHours: QuietHours;
  digestEnabled: boolean;
}

// Frozen all the way down: a shared default that some caller mutated would silently change every new user's settings.
export const DEFAULT_PREFERENCES: NotificationPreferences = Object.freeze({
  emailEnabled: true,
  smsEnabled: true,
  categories: Object.freeze({ repair_status: true, assignment: true, approval: true, reward: true, system: true }),
  quietHours: Object.freeze({ enabled: false, start: '22:00', end: '07:00', timezone: 'UTC' }),
  digestEnabled: false,
});
