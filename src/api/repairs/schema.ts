import { z } from 'zod';
import { REPAIR_STATUSES } from '../../domain/repair';

const money = z.number().min(0, 'must not be negative').max(99_999_999.99, 'is too large').multipleOf(0.01, 'must have at most 2 decimals');

const customerFields = {
  unitNumber: z.string().trim().min(1, 'is required').max(50, 'must be at most 50 characters'),
  description: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'),
  damageType: z.string().trim().min(1).max(50).optional(),
};

export const customerCreateBody = z.object(customerFields);

export const staffCreateBody = z.object({
  ...customerFields,
  customerId: z.number().int().positive(),
  estimatedCost: money.optional(),
  batchId: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'may contain letters, digits, _ and - only').optional(),
  technicianId: z.number().int().positive().optional(),
});

/** Documented as the union; validated per role in the handler. */
export const createRepairBody = z.union([staffCreateBody, customerCreateBody]);

export const repairSchema = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  technicianId: z.number().int().nullable(),
  unitNumber: z.string(),
  description: z.string(),
  damageType: z.string().nullable(),
  status: z.enum(REPAIR_STATUSES),
  estimatedCost: z.number().nullable(),
  cost: z.number().nullable(),
  discountedCost: z.number().nullable(),
  denialReason: z.string().nullable(),
  batchId: z.string().nullable(),
  workflowId: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
