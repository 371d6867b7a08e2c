import { z } from 'zod';
import { statusTotals, unitTotals } from '../../db/queries/customer-summary';
import { priceForNthRepair } from '../../domain/pricing';
import { REPAIR_STATUSES, type RepairStatus } from '../../domain/repair';
import { idParam, timestamp } from '../common/schemas';
import { notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';

const money = z.number().describe('USD');

export const customerSummarySchema = z.object({
  customerId: z.number().int(),
  repairsByStatus: z.object(Object.fromEntries(REPAIR_STATUSES.map((s) => [s, z.number().int()])) as Record<RepairStatus, z.ZodNumber>),
  totalCost: money.describe('what the completed repairs were priced at, before rewards (USD)'),
  totalDiscount: money.describe('what rewards took off those prices (USD); paid = totalCost - totalDiscount'),
  units: z
    .array(
      z.object({
        unitNumber: z.string(),
        completed: z.number().int(),
        lastCompletedAt: timestamp.nullable(),
        nextPrice: money.describe("the price of this unit's next completed repair by the pricing schedule (USD)"),
      }),
    )
    .describe('every unit with a repair, by unit number'),
});

/** Sums of cents, so 0.1 + 0.2 stays 0.30. */
const sumUsd = (values: readonly number[]): number => values.reduce((cents, v) => cents + Math.round(v * 100), 0) / 100;

export const customerSummaryRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/customers/:id/summary',
    tag: 'customers',
    summary:
      "A fleet at a glance: its repairs by status, what completed work cost and what rewards took off, and per unit the completed repairs, the last completion and the next repair's price",
    access: ['customer', 'admin'],
    params: idParam,
    response: customerSummarySchema,
    errors: [404],
    handler: async ({ params, user }, { db }) => {
      // Another customer's summary is 404, as if it did not exist (the customers' convention: ids are not probed).
      if (user.role === 'customer' && user.customerId !== params.id) throw notFound('Customer');
      const customer = await db.models.Customer.query().findById(params.id).select('id');
      if (!customer) throw notFound('Customer');
      const [statuses, units] = await Promise.all([statusTotals(db.knex, customer.id), unitTotals(db.knex, customer.id)]);
      return {
        customerId: customer.id,
        repairsByStatus: Object.fromEntries(statuses.map((s) => [s.status, s.repairs])),
        totalCost: sumUsd(statuses.map((s) => s.cost)),
        totalDiscount: sumUsd(statuses.map((s) => s.discount)),
        units: units.map((u) => ({
          unitNumber: u.unitNumber,
          completed: u.completed,
          lastCompletedAt: u.lastCompletedAt?.toISOString() ?? null,
          nextPrice: priceForNthRepair(u.completed + 1),
        })),
      };
    },
  }),
];
