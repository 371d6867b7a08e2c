import type { z } from 'zod';
import type { Repair } from '../../db/models';
import type { repairSchema } from './schema';

export const presentRepair = (r: Repair): z.infer<typeof repairSchema> => ({
  id: r.id,
  customerId: r.customerId,
  technicianId: r.technicianId,
  unitNumber: r.unitNumber,
  description: r.description,
  damageType: r.damageType,
  status: r.status,
  estimatedCost: r.estimatedCost,
  cost: r.cost,
  discountedCost: r.discountedCost,
  denialReason: r.denialReason,
  batchId: r.batchId,
  workflowId: r.workflowId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
