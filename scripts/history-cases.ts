import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { savePreferences } from '../src/db/queries/preferences';
import { DEFAULT_PREFERENCES, type QuietHours } from '../src/domain/notifications/types';
import type { RepairRecord } from '../src/domain/repair';
import type { AnnouncementTotals } from '../src/workflows/announcement';
import { eventually } from '../test/support/eventually';
import { insertUser } from '../test/support/fixtures';
import type { Harness } from '../test/support/harness';

/**
 * The world scripts/record-histories.ts runs its cases in, and its cases of the messages that are
 * not a repair's (announcements, account messages). Each case returns the id of the workflow it
 * started; the recorder waits for it and its children and writes their histories.
 */

export interface World {
  h: Harness;
  admin: string;
  adminId: number;
  customer: string;
  tech: string;
  techId: number;
  fleetId: number;
  quietFleetId: number;
  bigFleetId: number;
  bigFleetUser: string;
  /** A window that began a minute ago and ends within about a minute: held messages go out soon. */
  quietHours: QuietHours;
}

export type Case = (w: World) => Promise<string>;

export async function call<T = RepairRecord>(w: World, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await w.h.request(method, `/api${route}`, { token, ...(body === undefined ? {} : { body }) });
  assert.ok(res.status < 300, `${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export const childIds = async (handle: WorkflowHandle) =>
  ((await handle.fetchHistory()).events ?? []).flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);

export const MESSAGE_CASES: Record<string, Case> = {
  // A MEDIUM announcement to the admins, of their own so no other case's notifications change:
  // ada's email goes out, ari's is suppressed (email off), and avery's, inside quiet hours, is
  // handed to a delivery workflow of its own that sends it when the window ends. One page (of
  // 200), so no continue-as-new: forcing one takes a history near its 1,800-event budget.
  async announcement(w) {
    const prefs = structuredClone(DEFAULT_PREFERENCES);
    const [ari, avery] = [await insertUser(w.h.db, 'ari', 'admin'), await insertUser(w.h.db, 'avery', 'admin')];
    await savePreferences(w.h.db.knex, ari.userId, { ...prefs, emailEnabled: false });
    await savePreferences(w.h.db.knex, avery.userId, { ...prefs, quietHours: w.quietHours });
    const started = await call<{ workflowId: string; recipients: number }>(w, w.admin, 'POST', '/admin/announcements', {
      title: 'Shop closed Friday',
      message: 'The shop is closed on Friday.',
      priority: 'MEDIUM',
      audience: 'admins',
    });
    assert.equal(started.recipients, 3);
    const totals = (await w.h.deps.temporal.client.workflow.getHandle(started.workflowId).result()) as AnnouncementTotals;
    assert.deepEqual([totals.recipients, totals.heldForQuietHours, totals.runs], [3, 1, 1], JSON.stringify(totals));
    return started.workflowId;
  },

  // The public request for a user with a verified email address: the link is emailed.
  async 'password-reset'(w) {
    const { userId } = await insertUser(w.h.db, 'pia', 'customer');
    await w.h.db.knex('users').where('id', userId).update({ emailVerified: true });
    const res = await w.h.request('POST', '/api/auth/password-reset', { body: { username: 'pia' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    // The API does not tell the workflow (nor whether the account exists); the issued token keeps its request key.
    const workflowId = await eventually(
      async () =>
        (await w.h.db.knex('password_resets').where('userId', userId).first<{ requestKey: string } | undefined>('requestKey'))?.requestKey,
      'the reset link issued',
    );
    assert.equal(await w.h.deps.temporal.client.workflow.getHandle(workflowId).result(), 'sent');
    return workflowId;
  },
};
