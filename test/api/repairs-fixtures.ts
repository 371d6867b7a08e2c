import assert from 'node:assert/strict';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { requests } from './requests';

export interface RepairsWorld {
  h: Harness;
  t: Record<string, string>;
  ids: { fleetA: number; fleetB: number; tech1: number; tech2: number };
}

/**
 * The repairs suites' users: two customers of fleet A (alice, alan), one of fleet B (bob), two technicians
 * and an admin, all signed in. One world per suite file, so no file's repairs change another's technician loads.
 */
export async function startRepairsWorld(): Promise<RepairsWorld> {
  const h = await startHarness({ ASSIGNMENT_RETRY_PERIOD: '500ms' });
  const t: Record<string, string> = {};
  const ids = { fleetA: 0, fleetB: 0, tech1: 0, tech2: 0 };
  ids.fleetA = await insertCustomer(h.db, 'Fleet A');
  ids.fleetB = await insertCustomer(h.db, 'Fleet B');
  await insertUser(h.db, 'alice', 'customer', { customerId: ids.fleetA });
  await insertUser(h.db, 'alan', 'customer', { customerId: ids.fleetA });
  await insertUser(h.db, 'bob', 'customer', { customerId: ids.fleetB });
  ids.tech1 = (await insertUser(h.db, 'tech-one', 'technician')).technicianId as number;
  ids.tech2 = (await insertUser(h.db, 'tech-two', 'technician')).technicianId as number;
  await insertUser(h.db, 'root', 'admin');
  for (const name of ['alice', 'alan', 'bob', 'tech-one', 'tech-two', 'root']) t[name] = await h.login(name, PASSWORD);
  return { h, t, ids };
}

export function repairRequests(harness: () => Harness) {
  const { get, post } = requests(harness);
  const created = async (token: string, body: Record<string, unknown>) => {
    const res = await post(token, '/api/repairs', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number; workflowId: string; technicianId: number | null; status: string };
  };
  // Reads here are always signed in; a required token keeps the tests' `t[name]!` assertions meaningful.
  return { get: (token: string, path: string) => get(token, path), post, created };
}
