import { ApplicationFailure } from '@temporalio/common';
import type { RepairActivities } from '../../src/activities';
import type { MoveCommand } from '../../src/domain/moves';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import type { Actor } from './schedule';

/**
 * Fault points armed by a schedule: the named activity does its real work (commits), then fails
 * as if the worker lost the reply, once. Temporal retries it; the retry must find the work done.
 */
export const faults = new Set<string>();
export const injected = { count: 0 };

function withFaults(real: RepairActivities): RepairActivities {
  return {
    ...real,
    async recordMove(cmd: MoveCommand, afterEventId: number) {
      const result = await real.recordMove(cmd, afterEventId);
      if (faults.delete(`recordMove:${cmd.move}:${cmd.repairId}`)) {
        injected.count++;
        throw ApplicationFailure.retryable('injected: the reply was lost after the commit');
      }
      return result;
    },
    async assignTechnician(repairId: number, moveId: string) {
      const result = await real.assignTechnician(repairId, moveId);
      if (faults.delete(`assignTechnician:${repairId}`)) {
        injected.count++;
        throw ApplicationFailure.retryable('injected: the reply was lost after the commit');
      }
      return result;
    },
  };
}

export interface World {
  h: Harness;
  customerId: number;
  users: Record<Actor, { id: number; token: string }>;
  technicianIds: { tech1: number; tech2: number };
}

/**
 * The cast of every schedule, logged in once (password hashing is deliberately slow). Addresses
 * differ so each channel's rules are exercised: the owner has a verified email and phone, the
 * co-owner an email only, tech1 a phone only, the others in-app only.
 */
export async function startWorld(): Promise<World> {
  // A send handed to a worker's poll just as the worker stops is lost until its attempt times out
  // (then retried): a short attempt timeout keeps that wait, and so a run, short.
  const h = await startHarness({ DELIVERY_RETRY_INITIAL: '100ms', DELIVERY_ATTEMPT_TIMEOUT: '10s' }, { activities: withFaults });
  const customerId = await insertCustomer(h.db, 'Property Fleet');
  const strangerCustomer = await insertCustomer(h.db, 'Someone Else');
  const made = {
    owner: await insertUser(h.db, 'p-owner', 'customer', { customerId }),
    coOwner: await insertUser(h.db, 'p-coowner', 'customer', { customerId }),
    stranger: await insertUser(h.db, 'p-stranger', 'customer', { customerId: strangerCustomer }),
    tech1: await insertUser(h.db, 'p-tech1', 'technician'),
    tech2: await insertUser(h.db, 'p-tech2', 'technician'),
    admin: await insertUser(h.db, 'p-admin', 'admin'),
  };
  const { User } = h.db.models;
  await User.query().patch({ emailVerified: true, phone: '+15550100001', phoneVerified: true }).where('id', made.owner.userId);
  await User.query().patch({ emailVerified: true }).where('id', made.coOwner.userId);
  await User.query().patch({ email: null, phone: '+15550100002', phoneVerified: true }).where('id', made.tech1.userId);
  await User.query().patch({ email: null }).whereIn('id', [made.tech2.userId, made.admin.userId, made.stranger.userId]);
  const users = {} as World['users'];
  for (const [actor, { userId }] of Object.entries(made) as [Actor, { userId: number }][]) {
    users[actor] = { id: userId, token: await h.login(`p-${actor.toLowerCase()}`, PASSWORD) };
  }
  return {
    h,
    customerId,
    users,
    technicianIds: { tech1: made.tech1.technicianId as number, tech2: made.tech2.technicianId as number },
  };
}
