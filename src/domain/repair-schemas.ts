import { z } from 'zod';
import { recordId } from './ids';
import { REPAIR_STATUSES } from './repair';
import { DENIAL_REASON_MIN } from './signals';

/** Request rules for repairs, shared by the API (validation + OpenAPI). Not imported by workflows. */
export const money = z
  .number()
  .min(0, 'must not be negative')
  .max(99_999_999.99, 'is too large')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must have at most 2 decimals');

export { DENIAL_REASON_MIN };

/**
 * PostgreSQL text cannot hold NUL. Sent on to a move's activity, the write would fail on every
 * retry while holding the repair's lock (every later move waiting behind it): refused here, by field.
 */
export const withoutNul = <S extends z.ZodString>(s: S) => s.refine((v) => !v.includes('\u0000'), 'must not contain a NUL character');

export const submitBody = z.object({
  estimatedCost: money.optional(),
  notes: withoutNul(z.string().trim().max(2000, 'must be at most 2000 characters')).optional(),
});
export const denyBody = z.object({
  reason: withoutNul(
    z
      .string()
      .trim()
      .min(DENIAL_REASON_MIN, `must be at least ${DENIAL_REASON_MIN} characters`)
      .max(2000, 'must be at most 2000 characters'),
  ),
});
export const assignBody = z.object({ technicianId: recordId });
export const emptyBody = z.object({});

const customerFields = {
  unitNumber: withoutNul(z.string().trim().min(1, 'is required').max(50, 'must be at most 50 characters')),
  description: withoutNul(z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters')),
  damageType: withoutNul(z.string().trim().min(1).max(50)).optional(),
};
export const customerCreateBody = z.object(customerFields);
export const batchId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain letters, digits, _ and - only');
export const staffCreateBody = z.object({
  ...customerFields,
  customerId: recordId,
  estimatedCost: money.optional(),
  batchId: batchId.optional(),
  technicianId: recordId.optional(),
});

export const listQuery = z.object({
  status: z.enum(REPAIR_STATUSES).optional(),
  unitNumber: z.string().trim().min(1).max(50).optional(),
  page: z.coerce.number().int().min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number().int().min(1, 'must be 1-100').max(100, 'must be 1-100').default(20),
});
