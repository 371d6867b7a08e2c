import type { Knex } from 'knex';
import { REPAIR_STATUSES, type RepairStatus } from '../../domain/repair';

export interface StatusTotals {
  status: RepairStatus;
  repairs: number;
  cost: number;
  discount: number;
}

export interface UnitTotals {
  unitNumber: string;
  completed: number;
  lastCompletedAt: Date | null;
}

/**
 * One row per status of the customer's repairs: how many, what they were priced at and what rewards
 * took off (only completed repairs have a cost). Summed in PostgreSQL's numeric, so cents stay exact.
 */
export async function statusTotals(knex: Knex, customerId: number): Promise<StatusTotals[]> {
  const rows = await knex('repairs')
    .where('customer_id', customerId)
    .groupBy('status')
    .select<{ status: RepairStatus; repairs: number; cost: number; discount: number }[]>(
      'status',
      knex.raw('count(*)::int as repairs'),
      knex.raw('coalesce(sum(cost), 0) as cost'),
      knex.raw('coalesce(sum(cost - coalesce(discounted_cost, cost)), 0) as discount'),
    );
  return REPAIR_STATUSES.map((status) => rows.find((r) => r.status === status) ?? { status, repairs: 0, cost: 0, discount: 0 });
}

/**
 * Every unit of the customer with a repair, by unit number: its completed repairs (what the next
 * price depends on, counted as pricing counts them: same customer, same unit number, COMPLETED)
 * and when the last of them was completed, from the history's complete row. One grouped query over
 * the customer's repairs, whatever the number of units.
 */
export async function unitTotals(knex: Knex, customerId: number): Promise<UnitTotals[]> {
  return knex('repairs as r')
    .leftJoin('repair_history as h', function () {
      this.on('h.repair_id', '=', 'r.id')
        .andOn('h.to_status', '=', knex.raw('?', ['COMPLETED']))
        .andOn('r.status', '=', knex.raw('?', ['COMPLETED']));
    })
    .where('r.customer_id', customerId)
    .groupBy('r.unit_number')
    .orderBy('r.unit_number')
    .select<UnitTotals[]>(
      { unitNumber: 'r.unit_number' },
      // distinct: a repair counts once even if its history held two complete rows.
      knex.raw(`count(distinct r.id) filter (where r.status = 'COMPLETED')::int as completed`),
      knex.raw('max(h.at) as last_completed_at'),
    );
}
