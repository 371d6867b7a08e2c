import { z } from 'zod';
import { REPAIR_STATUSES } from '../../domain/repair';
import { customerCreateBody, staffCreateBody } from '../../domain/repair-schemas';
import { photoThumb } from '../photos/schema';

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
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  completionNotes: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const repairListItem = repairSchema.extend({ assignedToMe: z.boolean().optional(), photoCount: z.number().int() });

/** GET /repairs/:id: the repair with its photos as thumbnails. */
export const repairDetail = repairSchema.extend({ photoCount: z.number().int(), photos: z.array(photoThumb) });

export const historyEntry = z.object({
  from: z.enum(REPAIR_STATUSES).nullable(),
  to: z.enum(REPAIR_STATUSES),
  move: z.string(),
  byUserId: z.number().int().nullable(),
  role: z.enum(['customer', 'technician', 'admin', 'system']),
  at: z.iso.datetime(),
  reason: z.string().optional(),
  notes: z.string().optional(),
  technicianId: z.number().int().nullable(),
});
