import { z } from 'zod';
import { isValidTimeOfDay, isValidTimeZone } from '../../domain/notifications/quiet-hours';
import { PREFERENCE_CATEGORIES, type NotificationPreferences, type PreferenceCategory } from '../../domain/notifications/types';

const KNOWN = new Set<string>(PREFERENCE_CATEGORIES);

/**
 * Exactly the five categories a user may turn off, each a boolean (`account` messages cannot be
 * turned off, so it is not one). An unknown key is refused by name rather than dropped: a client
 * that sends "repair-status" should learn it changed nothing.
 */
const categories = z
  .looseObject(Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, z.boolean()])) as Record<PreferenceCategory, z.ZodBoolean>)
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      if (!KNOWN.has(key))
        ctx.addIssue({ code: 'custom', path: [key], message: `is not a category (use ${PREFERENCE_CATEGORIES.join(', ')})` });
    }
  })
  .transform((v) => Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, v[c]])) as Record<PreferenceCategory, boolean>);

const timeOfDay = z.string().refine(isValidTimeOfDay, 'must be a time HH:MM (00:00-23:59)');

export const preferencesBody = z.object({
  emailEnabled: z.boolean(),
  smsEnabled: z.boolean(),
  categories,
  quietHours: z.object({
    enabled: z.boolean(),
    start: timeOfDay,
    end: timeOfDay,
    timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York'),
  }),
  digestEnabled: z.boolean(),
});

export const preferencesSchema = z.object({
  emailEnabled: z.boolean(),
  smsEnabled: z.boolean(),
  categories: z.object(Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, z.boolean()])) as Record<PreferenceCategory, z.ZodBoolean>),
  quietHours: z.object({ enabled: z.boolean(), start: z.string(), end: z.string(), timezone: z.string() }),
  digestEnabled: z.boolean(),
});

export function presentPreferences(p: NotificationPreferences): z.output<typeof preferencesSchema> {
  return {
    emailEnabled: p.emailEnabled,
    smsEnabled: p.smsEnabled,
    categories: Object.fromEntries(PREFERENCE_CATEGORIES.map((c) => [c, p.categories[c]])) as Record<PreferenceCategory, boolean>,
    quietHours: {
      enabled: p.quietHours.enabled,
      start: p.quietHours.start,
      end: p.quietHours.end,
      timezone: p.quietHours.timezone,
    },
    digestEnabled: p.digestEnabled,
  };
}
