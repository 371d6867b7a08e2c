import type { Knex } from 'knex';
import { priceForNthRepair } from '../src/domain/pricing';
import type { RepairStatus } from '../src/domain/repair';

export interface FleetSeed {
  customerIds: number[];
  technicianIds: number[];
  /** A customer with its share of the repairs (the demo customer, so its user can sign in). */
  demoCustomerId: number;
  /** A batch id and a unit number that exist, for the filters. */
  sampleBatch: string;
  sampleUnit: string;
  /** A word that appears in a few descriptions only. */
  rareWord: string;
  repairs: number;
}

// A fixed sequence (an LCG), so every run seeds the same fleet and the figures compare.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const STATUSES: [RepairStatus, number][] = [
  ['REQUESTED', 0.1],
  ['PENDING', 0.1],
  ['APPROVED', 0.05],
  ['IN_PROGRESS', 0.05],
  ['DENIED', 0.1],
  ['COMPLETED', 0.6],
];
const DAMAGE = ['chip on the driver side', 'crack along the lower edge', 'star break near the wiper', 'bullseye, passenger side'];
const DAY = 86_400_000;
const ROWS_PER_INSERT = 1000;

/**
 * `repairs` repairs over `customers` fleets (the demo customer one of them) with 40 units each and
 * 20 technicians, created over a year, in multi-row inserts; completed ones priced by the schedule
 * with a complete row in the history. Straight into the tables: no workflow per repair.
 */
export async function seedFleet(
  knex: Knex,
  opts: { repairs: number; customers: number; demoCustomerId: number; createdBy: number },
): Promise<FleetSeed> {
  const next = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const others = await knex('customers')
    .insert(Array.from({ length: opts.customers - 1 }, (_, i) => ({ name: `Bench Fleet ${i + 1}` })))
    .returning('id');
  const customerIds = [opts.demoCustomerId, ...others.map((r: { id: number }) => r.id)];
  const existing = await knex('technicians').pluck<number[]>('id');
  const users = await knex('users')
    .insert(
      Array.from({ length: 20 - existing.length }, (_, i) => ({ username: `bench-tech-${i}`, password_hash: 'x', role: 'technician' })),
    )
    .returning('id');
  const added = await knex('technicians')
    .insert(users.map((u: { id: number }) => ({ user_id: u.id, is_active: true })))
    .returning('id');
  const technicianIds = [...existing, ...added.map((r: { id: number }) => r.id)];

  const completedPerUnit = new Map<string, number>();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const rows = Array.from({ length: opts.repairs }, (_, i) => {
    const customerId = pick(customerIds);
    const unitNumber = `U-${customerId}-${String(Math.floor(next() * 40)).padStart(2, '0')}`;
    let roll = next();
    const status = (STATUSES.find(([, share]) => (roll -= share) < 0) ?? STATUSES[5]!)[0];
    const key = `${customerId}/${unitNumber}`;
    let cost: number | null = null;
    let discounted: number | null = null;
    if (status === 'COMPLETED') {
      const n = (completedPerUnit.get(key) ?? 0) + 1;
      completedPerUnit.set(key, n);
      cost = priceForNthRepair(n);
      discounted = next() < 0.05 ? Math.round(cost * 90) / 100 : cost;
    }
    const createdAt = new Date(start + Math.floor((i / opts.repairs) * 365 * DAY) + Math.floor(next() * DAY));
    return {
      customer_id: customerId,
      technician_id: status === 'REQUESTED' && next() < 0.5 ? null : pick(technicianIds),
      unit_number: unitNumber,
      description: `${pick(DAMAGE)} (ref ${i})`,
      status,
      cost,
      discounted_cost: discounted,
      batch_id: next() < 0.3 ? `lot-${Math.floor(i / 10)}` : null,
      workflow_id: `bench-fleet-${i}`,
      created_by_user_id: opts.createdBy,
      created_at: createdAt,
      updated_at: createdAt,
    };
  });
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const slice = rows.slice(i, i + ROWS_PER_INSERT);
    const ids: { id: number }[] = await knex('repairs').insert(slice).returning('id');
    const history = slice.flatMap((r, j) =>
      r.status === 'COMPLETED'
        ? [
            {
              repair_id: ids[j]!.id,
              move_id: `bench-fleet-complete-${ids[j]!.id}`,
              move: 'complete',
              from_status: 'IN_PROGRESS',
              to_status: 'COMPLETED',
              role: 'technician',
              at: new Date(r.created_at.getTime() + 2 * DAY),
            },
          ]
        : [],
    );
    if (history.length) await knex('repair_history').insert(history);
  }
  // The steady state autovacuum gives a table that grew this much: fresh statistics, and the
  // trigram index's pending list merged (unmerged, the planner prices the index above a seq scan).
  await knex.raw('vacuum analyze repairs');
  await knex.raw('vacuum analyze repair_history');
  const batched = rows.find((r) => r.batch_id !== null)!;
  return {
    customerIds,
    technicianIds,
    demoCustomerId: opts.demoCustomerId,
    sampleBatch: batched.batch_id as string,
    sampleUnit: rows[rows.length >> 1]!.unit_number,
    rareWord: `ref ${rows.length >> 2}`,
    repairs: rows.length,
  };
}
