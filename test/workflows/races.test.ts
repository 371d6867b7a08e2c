import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { approveSignal, denySignal, stateQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/** Moves that meet on one repair: double taps, two managers, an admin's signal against a click. */
describe('workflow: concurrent moves on one repair', () => {
  let h: Harness;
  let tokens: { admin: string; fleetA: string; fleetB: string };
  let customerId: number;
  let techId: number;

  before(async () => {
    h = await startHarness();
    customerId = await insertCustomer(h.db, 'Race Fleet');
    await insertUser(h.db, 'race-a', 'customer', { customerId });
    await insertUser(h.db, 'race-b', 'customer', { customerId });
    await insertUser(h.db, 'race-admin', 'admin');
    techId = (await insertUser(h.db, 'race-tech', 'technician')).technicianId as number;
    tokens = {
      admin: await h.login('race-admin', PASSWORD),
      fleetA: await h.login('race-a', PASSWORD),
      fleetB: await h.login('race-b', PASSWORD),
    };
  });
  after(() => h?.close());

  const pending = async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: tokens.admin,
      body: { unitNumber: 'RC-1', description: 'chip', customerId, technicianId: techId },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as number, handle: h.deps.temporal.client.workflow.getHandle(res.body.workflowId as string) };
  };
  const move = (token: string, id: number, what: 'approve' | 'deny') =>
    h.request('POST', `/api/repairs/${id}/${what}`, { token, body: what === 'deny' ? { reason: 'Not our truck any more' } : {} });
  const settled = async (id: number, handle: WorkflowHandle, status: string) => {
    await eventually(async () => ((await handle.query(stateQuery)).status === status ? true : undefined), `workflow ${status}`);
    const wf = await handle.describe();
    assert.notEqual(wf.status.name, 'FAILED');
    assert.equal(wf.typedSearchAttributes.getAll().find((a) => a.key.name === 'RepairStatus')?.value, status);
    assert.equal((await h.db.models.Repair.query().findById(id))!.status, status);
    const history = await h.db.models.RepairHistory.query().where('repairId', id).orderBy('id');
    for (let i = 1; i < history.length; i++) assert.equal(history[i]!.fromStatus, history[i - 1]!.toStatus, 'a chain');
    return history;
  };

  it('approve and deny at once from two users: one wins with 200, the other gets 409 naming the winner', async () => {
    for (let round = 0; round < 6; round++) {
      const { id, handle } = await pending();
      const answers = await Promise.all([
        move(tokens.fleetA, id, 'approve'),
        move(tokens.fleetB, id, 'deny'),
        move(tokens.admin, id, 'approve'),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      assert.ok(
        statuses.every((s) => s === 200 || s === 409),
        JSON.stringify(answers.map((a) => [a.status, a.body])),
      );
      const winners = answers.filter((a) => a.status === 200);
      const won = winners[0]!.body.status as string;
      assert.ok(
        winners.every((w) => w.body.status === won),
        'the 200s agree',
      );
      // Two approves may both be 200 only if... they cannot: approving an APPROVED repair is refused.
      assert.equal(winners.length, 1, JSON.stringify(answers.map((a) => a.status)));
      for (const loser of answers.filter((a) => a.status === 409)) {
        assert.equal(loser.body.error.code, 'INVALID_TRANSITION');
        assert.match(loser.body.error.message, new RegExp(won));
      }
      const history = await settled(id, handle, won);
      assert.equal(history.filter((r) => r.move === 'approve' || r.move === 'deny').length, 1);
    }
  });

  it('a signal against an API move: the workflow never fails, one move takes effect', async () => {
    for (let round = 0; round < 4; round++) {
      const { id, handle } = await pending();
      const [answer] = await Promise.all([
        move(tokens.fleetA, id, round % 2 ? 'approve' : 'deny'),
        handle.signal(approveSignal, {}),
        handle.signal(denySignal, { reason: 'Sold the truck last week' }),
      ]);
      assert.ok(answer.status === 200 || answer.status === 409, JSON.stringify(answer.body));
      const state = await eventually(async () => {
        const s = (await handle.query(stateQuery)).status;
        return s === 'APPROVED' || s === 'DENIED' ? s : undefined;
      }, 'a decision');
      await new Promise((r) => setTimeout(r, 200)); // the losers have been handled meanwhile
      const history = await settled(id, handle, state);
      assert.equal(history.filter((r) => r.move === 'approve' || r.move === 'deny').length, 1);
    }
  });

  it('a move refused inside its activity (the database guard) answers 409, and as a signal leaves the workflow running', async () => {
    const { id, handle } = await pending();
    // The database a move ahead of the workflow: the guard in the move's transaction refuses.
    await h.db.models.Repair.query().patch({ status: 'APPROVED' }).where('id', id);
    const refused = await move(tokens.fleetA, id, 'deny');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'INVALID_TRANSITION');

    await handle.signal(approveSignal, { byUserId: undefined });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.equal((await handle.query(stateQuery)).status, 'PENDING');
    // Put right, the repair goes on.
    await h.db.models.Repair.query().patch({ status: 'PENDING' }).where('id', id);
    assert.equal((await move(tokens.fleetA, id, 'approve')).status, 200);
    await settled(id, handle, 'APPROVED');
  });

  it('refuses malformed signals (unknown user, short reason, not an object) and stays running', async () => {
    const { id, handle } = await pending();
    await handle.signal(approveSignal, { byUserId: 987_654 });
    await handle.signal(denySignal, { reason: 'short' });
    await handle.signal(approveSignal, 'yes please' as never);
    await handle.signal(approveSignal, { byUserId: 'admin' as never });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.equal((await handle.query(stateQuery)).status, 'PENDING');
    assert.equal((await h.db.models.Repair.query().findById(id))!.status, 'PENDING');
    await handle.signal(denySignal, { reason: 'Vehicle sold last week' });
    await settled(id, handle, 'DENIED');
  });
});
