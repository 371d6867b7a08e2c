import type { Knex } from 'knex';
import {
  DEFAULT_PREFERENCES,
  PREFERENCE_CATEGORIES,
  type NotificationPreferences,
  type PreferenceCategory,
} from '../../domain/notifications/types';

interface Row {
  emailEnabled: boolean;
  smsEnabled: boolean;
  categories: Partial<Record<PreferenceCategory, boolean>>;
  quietHoursEnabled: boolean;
  quietHoursStart: string;
  quietHoursEnd: string;
  quietHoursTimezone: string;
  digestEnabled: boolean;
}

function fromRow(row: Row | undefined): NotificationPreferences {
  if (!row) return structuredClone(DEFAULT_PREFERENCES);
  return {
    emailEnabled: row.emailEnabled,
    smsEnabled: row.smsEnabled,
    categories: Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, row.categories[c] ?? true])) as Record<PreferenceCategory, boolean>,
    quietHours: {
      enabled: row.quietHoursEnabled,
      start: row.quietHoursStart,
      end: row.quietHoursEnd,
      timezone: row.quietHoursTimezone,
    },
    digestEnabled: row.digestEnabled,
  };
}

/** A user's preferences; users who never saved any have the defaults. */
export async function loadPreferences(knex: Knex | Knex.Transaction, userId: number): Promise<NotificationPreferences> {
  return fromRow(await knex<Row>('notification_preferences').where('user_id', userId).first());
}

/** Several users' preferences in one query, keyed by user id (every id asked for is present). */
export async function loadPreferencesOf(knex: Knex | Knex.Transaction, userIds: number[]): Promise<Map<number, NotificationPreferences>> {
  const rows = userIds.length ? await knex<Row & { userId: number }>('notification_preferences').whereIn('user_id', userIds) : [];
  const byUser = new Map(rows.map((r) => [r.userId, r]));
  return new Map(userIds.map((id) => [id, fromRow(byUser.get(id))]));
}

export async function savePreferences(knex: Knex | Knex.Transaction, userId: number, p: NotificationPreferences): Promise<void> {
  const row = {
    user_id: userId,
    email_enabled: p.emailEnabled,
    sms_enabled: p.smsEnabled,
    categories: JSON.stringify(p.categories),
    quiet_hours_enabled: p.quietHours.enabled,
    quiet_hours_start: p.quietHours.start,
    quiet_hours_end: p.quietHours.end,
    quiet_hours_timezone: p.quietHours.timezone,
    digest_enabled: p.digestEnabled,
    updated_at: new Date(),
  };
  await knex('notification_preferences').insert(row).onConflict('user_id').merge();
}
