import { canSeeRepair } from '../../domain/repair';
import { idParam } from '../common/schemas';
import { notFound } from '../errors';
import { defineRoute } from '../route';
import { createRepair } from './create';
import { presentRepair } from './presenter';
import { repairSchema, createRepairBody } from './schema';

export const repairRoutes = [
  defineRoute({
    method: 'post',
    path: '/repairs',
    tag: 'repairs',
    summary:
      'Create a repair and start its workflow. Customers send {unitNumber, description, damageType?} (starts REQUESTED); ' +
      'technicians and admins also send customerId, estimatedCost?, batchId? and (admin) technicianId? (starts PENDING)',
    access: ['customer', 'technician', 'admin'],
    documentedBody: createRepairBody,
    status: 201,
    response: repairSchema,
    errors: [503],
    handler: async ({ ctx, user }, deps) => presentRepair(await createRepair(deps, user, ctx.request.body)),
  }),
  defineRoute({
    method: 'get',
    path: '/repairs/:id',
    tag: 'repairs',
    summary: 'One repair (404 when the caller may not see it)',
    access: ['customer', 'technician', 'admin'],
    params: idParam,
    response: repairSchema,
    errors: [404],
    handler: async ({ params, user }, { db }) => {
      const repair = await db.models.Repair.query().findById(params.id);
      if (!repair || !canSeeRepair(user, repair)) throw notFound('Repair');
      return presentRepair(repair);
    },
  }),
];
