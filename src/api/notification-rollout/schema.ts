import { z } from 'zod';
import { ROLLOUT_CHANNELS, type RolloutShares } from '../../domain/notifications/rollout';
import { ROLES, type Role } from '../../domain/roles';

const WHOLE = 'must be a whole percentage from 0 to 100';
// Whole by a refinement, not .int(): the route reports a failed .int() as a type ("must be an int").
const share = z
  .number()
  .min(0, WHOLE)
  .max(100, WHOLE)
  .refine(Number.isInteger, WHOLE)
  .describe("the share of the role's users (0-100 %) who get the channel; a user inside stays inside as it grows");

/**
 * An object with exactly `keys`, each required. An unknown key is refused by name rather than
 * dropped: an admin who types "technicans" should learn that nobody's rollout changed.
 */
function exactly<K extends string, S extends z.ZodType>(keys: readonly K[], value: S, what: string) {
  return z.looseObject(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, S>).superRefine((v, ctx) => {
    for (const key of Object.keys(v))
      if (!(keys as readonly string[]).includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: `is not a ${what} (use ${keys.join(', ')})` });
  });
}

const perRole = exactly(ROLES, share, 'role');

/** Every channel and every role: a PUT replaces the whole rollout, so nothing is left to a default by omission. */
export const rolloutBody = exactly(ROLLOUT_CHANNELS, perRole, 'channel').transform(
  (v): RolloutShares =>
    Object.fromEntries(
      ROLLOUT_CHANNELS.map((c) => [c, Object.fromEntries(ROLES.map((r) => [r, v[c][r]])) as Record<Role, number>]),
    ) as RolloutShares,
);

const perRoleOut = z.object(Object.fromEntries(ROLES.map((r) => [r, z.number().int()])) as Record<Role, z.ZodNumber>);

export const rolloutSchema = z.object({
  email: perRoleOut,
  sms: perRoleOut,
  updatedAt: z.iso.datetime().nullable().describe('when an admin last saved it; null while it is the default (everyone at 100 %)'),
});

export const presentRollout = (r: { shares: RolloutShares; updatedAt: Date | null }): z.infer<typeof rolloutSchema> => ({
  email: { ...r.shares.email },
  sms: { ...r.shares.sms },
  updatedAt: r.updatedAt ? r.updatedAt.toISOString() : null,
});
