import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { outbox } from './account-fixtures';

/** The approve-from-the-message token in a message, or undefined. */
export const linkTokenIn = (body: string): string | undefined => /\/a\/([A-Za-z0-9_-]{43})\b/.exec(body)?.[1];

export interface ApprovalsWorld {
  h: Harness;
  t: Record<string, string>;
  ids: Record<string, number>;
  phones: Record<string, string>;
}

/**
 * A fleet with two phone-holding users (cara, carl) who get the approval SMS, another fleet's
 * user, a technician and an admin. Client addresses come from X-Forwarded-For, so each test
 * speaks from an address of its own and the per-address limit of one cannot touch another.
 */
export async function startApprovalsWorld(env: Record<string, string> = {}): Promise<ApprovalsWorld> {
  const h = await startHarness({ TRUST_PROXY: 'true', ...env });
  const ids: Record<string, number> = {};
  const phones: Record<string, string> = { cara: '+15550400001', carl: '+15550400002' };
  ids.fleet = await insertCustomer(h.db, 'Fleet Approvals');
  ids.other = await insertCustomer(h.db, 'Other Fleet');
  for (const name of ['cara', 'carl']) {
    const { userId } = await insertUser(h.db, name, 'customer', { customerId: ids.fleet });
    ids[name] = userId;
    await h.db.models.User.query().patch({ phone: phones[name] }).where('id', userId);
  }
  ids.oscar = (await insertUser(h.db, 'oscar', 'customer', { customerId: ids.other })).userId;
  ids.tech = (await insertUser(h.db, 'tech-a', 'technician')).technicianId as number;
  ids.root = (await insertUser(h.db, 'root', 'admin')).userId;
  const t: Record<string, string> = {};
  for (const name of ['cara', 'carl', 'oscar', 'tech-a', 'root']) t[name] = await h.login(name, PASSWORD);
  return { h, t, ids, phones };
}

export function approvalRequests(world: () => ApprovalsWorld) {
  let n = 0;
  const mail = outbox(
    () => world().h,
    () => world().t.root!,
  );
  const headers = (ip: string) => ({ 'x-forwarded-for': ip });
  return {
    /** A client address no other test has used. */
    freshAddress: () => `198.51.100.${++n}`,
    get: (ip: string, token: string) => world().h.request('GET', `/api/approvals/${token}`, { headers: headers(ip) }),
    post: (ip: string, token: string, move: 'approve' | 'deny', body: unknown = {}) =>
      world().h.request('POST', `/api/approvals/${token}/${move}`, { headers: headers(ip), body }),
    /** A PENDING repair the admin found in the field: its approval SMS goes to cara and carl. */
    async pendingRepair(unitNumber: string, estimatedCost = 85): Promise<{ id: number }> {
      const { h, t, ids } = world();
      const res = await h.request('POST', '/api/repairs', {
        token: t.root,
        body: { unitNumber, description: 'crack across the driver side', customerId: ids.fleet, technicianId: ids.tech, estimatedCost },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'PENDING');
      return res.body as { id: number };
    },
    /** The `nth` approval SMS of a repair to a user (1: the request, 2: the reminder) and its token. */
    async sms(user: string, repairId: number, nth = 1): Promise<{ body: string; token: string; notificationId: number }> {
      const phone = world().phones[user]!;
      return eventually(async () => {
        const mine = (await mail.read(phone, 'sms')).filter((m) => m.body.includes(`#${repairId} `)).reverse();
        const m = mine[nth - 1];
        const token = m && linkTokenIn(m.body);
        return m && token ? { body: m.body, token, notificationId: m.notificationId as number } : undefined;
      }, `approval SMS ${nth} of repair ${repairId} to ${user}`);
    },
    mail,
  };
}
