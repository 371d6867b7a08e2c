import type { Db } from '../../src/db';
import type { RepairStatus } from '../../src/domain/repair';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

export interface FleetWorld {
  h: Harness;
  /** customer (alice of fleet A), bob (fleet B), technician (tech1), tech2, admin. */
  tokens: { customer: string; bob: string; technician: string; tech2: string; admin: string };
  ids: { fleetA: number; fleetB: number; tech1: number; tech2: number; admin: number };
}

/** The fleet-view suites' world: two fleets, two technicians, an admin; repairs go straight into the table. */
export async function startFleetWorld(): Promise<FleetWorld> {
  const h = await startHarness();
  const fleetA = await insertCustomer(h.db, 'Fleet A');
  const fleetB = await insertCustomer(h.db, 'Fleet B');
  await insertUser(h.db, 'alice', 'customer', { customerId: fleetA });
  await insertUser(h.db, 'bob', 'customer', { customerId: fleetB });
  const tech1 = (await insertUser(h.db, 'tech1', 'technician')).technicianId as number;
  const tech2 = (await insertUser(h.db, 'tech2', 'technician')).technicianId as number;
  const admin = (await insertUser(h.db, 'root', 'admin')).userId;
  const tokens = {
    customer: await h.login('alice', PASSWORD),
    bob: await h.login('bob', PASSWORD),
    technician: await h.login('tech1', PASSWORD),
    tech2: await h.login('tech2', PASSWORD),
    admin: await h.login('root', PASSWORD),
  };
  return { h, tokens, ids: { fleetA, fleetB, tech1, tech2, admin } };
}

export interface RepairRow {
  customerId: number;
  unitNumber: string;
  status: RepairStatus;
  technicianId?: number | null;
  description?: string;
  damageType?: string | null;
  batchId?: string | null;
  createdAt?: string;
  cost?: number | null;
  discountedCost?: number | null;
  /** For a COMPLETED repair: the time of its complete row in the history. */
  completedAt?: string;
}

let serial = 0;

/**
 * Repairs inserted in one statement, returning their ids in order. The list, the CSV and the
 * summary read the table only, so no workflow is started (workflow ids are unique, nothing more).
 */
export async function insertRepairs(db: Db, createdBy: number, rows: readonly RepairRow[]): Promise<number[]> {
  if (!rows.length) return [];
  const inserted: { id: number }[] = await db
    .knex('repairs')
    .insert(
      rows.map((r) => ({
        customer_id: r.customerId,
        technician_id: r.technicianId ?? null,
        unit_number: r.unitNumber,
        description: r.description ?? 'chip',
        damage_type: r.damageType ?? null,
        status: r.status,
        batch_id: r.batchId ?? null,
        cost: r.cost ?? null,
        discounted_cost: r.discountedCost ?? r.cost ?? null,
        workflow_id: `fleet-${process.pid}-${++serial}`,
        created_by_user_id: createdBy,
        ...(r.createdAt ? { created_at: r.createdAt, updated_at: r.createdAt } : {}),
      })),
    )
    .returning('id');
  const ids = inserted.map((r) => r.id);
  const history = rows.flatMap((r, i) =>
    r.completedAt
      ? [
          {
            repair_id: ids[i],
            move_id: `fleet-complete-${ids[i]}`,
            move: 'complete',
            from_status: 'IN_PROGRESS',
            to_status: 'COMPLETED',
            role: 'technician',
            at: r.completedAt,
          },
        ]
      : [],
  );
  if (history.length) await db.knex('repair_history').insert(history);
  return ids;
}

/** RFC 4180 rows of a CSV body (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && !(c === '\r' && text[i + 1] === '\n'))) {
      field += c;
    } else {
      row.push(field);
      field = '';
      if (c === '\r') {
        rows.push(row);
        row = [];
        i++;
      }
    }
  }
  if (field || row.length) throw new Error(`the CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((name, i) => [name, r[i] ?? ''])));
}
