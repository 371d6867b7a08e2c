import { z } from 'zod';
import type { CustomerRepairPreference } from '../../db/models';
import { FREQUENCIES, LOT_WALKING_DEFAULTS, WEEKDAYS } from '../../domain/lot-walking';
import { timestamp } from '../common/schemas';

export const repairPreferencesSchema = z.object({
  customerId: z.number().int(),
  lotWalkingEnabled: z.boolean(),
  frequency: z.enum(FREQUENCIES),
  days: z.array(z.enum(WEEKDAYS)),
  time: z.string(),
  /** Null until the customer first saves: the values shown are then the defaults. */
  updatedAt: timestamp.nullable(),
});

export type RepairPreferencesOut = z.output<typeof repairPreferencesSchema>;

export function presentRepairPreferences(customerId: number, row: CustomerRepairPreference | undefined): RepairPreferencesOut {
  const p = row ?? LOT_WALKING_DEFAULTS;
  return {
    customerId,
    lotWalkingEnabled: p.lotWalkingEnabled,
    frequency: p.frequency,
    days: [...p.days],
    time: p.time,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}
