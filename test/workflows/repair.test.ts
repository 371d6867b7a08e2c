import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RepairActivities } from '../../src/activities';
import type { MoveCommand } from '../../src/domain/moves';
import { SA, approveSignal, moveUpdates, stateQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import type { Harness } from '../support/harness';
import { admin, repairHelpers, startRepairWorld } from './repair-world';

/** Fault injection: the next matching activity call does its real work (commits), then fails. */
const faults = { failAfterCommit: new Set<string>(), holdAfterCommit: new Map<string, Promise<void>>() };

function withFaults(real: RepairActivities): RepairActivities {
  return {
    ...real,
    async recordMove(cmd: MoveCommand, afterEventId: number) {
      const result = await real.recordMove(cmd, afterEventId);
      const key = `recordMove:${cmd.move}:${cmd.repairId}`;
      const hold = faults.holdAfterCommit.get(key);
      faults.holdAfterCommit.delete(key);
      await hold;
      if (faults.failAfterCommit.delete(`recordMove:${cmd.move}:${cmd.repairId}`)) {
        throw ApplicationFailure.retryable('injected: worker lost the reply after the commit');
      }
      return result;
    },
    async assignTechnician(repairId: number, moveId: string) {
      const result = await real.assignTechnician(repairId, moveId);
      if (faults.failAfterCommit.delete(`assignTechnician:${repairId}`)) {
        throw ApplicationFailure.retryable('injected: worker lost the reply after the commit');
      }
      return result;
    },
  };
}

describe('workflow: repair lifecycle on a real Temporal server', () => {
  let h: Harness;
  let customerToken: string;
  let staffToken: string;
  let customerId: number;
  let techs: number[];

  before(async () => {
    ({ h, customerToken, staffToken, customerId, techs } = await startRepairWorld({ activities: withFaults }));
  });
  after(() => h?.close());

  const { create, assigned, historyOf, eventsOf } = repairHelpers(() => h);

  it('runs the full happy path: assign, submit, approve, start, complete, and ends COMPLETED', async () => {
    const { id, handle } = await create(customerToken, { unitNumber: 'HP-1', description: 'chip' });
    const tech = await assigned(handle);
    assert.equal(tech, techs[0]);

    const submitted = await handle.executeUpdate(moveUpdates.submit, { args: [{ actor: admin, estimatedCost: 45, notes: 'small chip' }] });
    assert.equal(submitted.status, 'PENDING');
    assert.equal(submitted.estimatedCost, 45);
    assert.equal((await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] })).status, 'APPROVED');
    assert.equal((await handle.executeUpdate(moveUpdates.start, { args: [{ actor: admin }] })).status, 'IN_PROGRESS');
    const done = await handle.executeUpdate(moveUpdates.complete, { args: [{ actor: admin }] });
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.cost, 50);
    assert.equal(done.discountedCost, 50);

    const result = await handle.result();
    assert.equal(result.status, 'COMPLETED');
    assert.deepEqual(
      (await historyOf(id)).map((r) => [r.move, r.fromStatus, r.toStatus]),
      [
        ['create', null, 'REQUESTED'],
        ['assign', 'REQUESTED', 'REQUESTED'],
        ['submit', 'REQUESTED', 'PENDING'],
        ['approve', 'PENDING', 'APPROVED'],
        ['start', 'APPROVED', 'IN_PROGRESS'],
        ['complete', 'IN_PROGRESS', 'COMPLETED'],
      ],
    );
    assert.deepEqual(
      (await eventsOf(id)).map((e) => e.type),
      ['technician_assigned', 'approval_requested', 'repair_approved', 'work_started', 'work_completed'],
    );
    const attrs = (await handle.describe()).typedSearchAttributes;
    assert.equal(attrs.get(SA.RepairStatus), 'COMPLETED');
    assert.equal(attrs.get(SA.TechnicianId), techs[0]);
  });

  it('ends DENIED with the reason when the customer denies', async () => {
    const { id, handle } = await create(staffToken, { unitNumber: 'DN-1', description: 'crack', customerId, technicianId: techs[1] });
    assert.equal((await handle.query(stateQuery)).status, 'PENDING');
    const denied = await handle.executeUpdate(moveUpdates.deny, {
      args: [{ actor: { userId: null, role: 'customer' }, reason: 'Not one of our trucks' }],
    });
    assert.equal(denied.status, 'DENIED');
    assert.equal(denied.denialReason, 'Not one of our trucks');
    assert.equal((await handle.result()).status, 'DENIED');
    assert.deepEqual(
      (await eventsOf(id)).map((e) => e.type),
      ['approval_requested', 'technician_assigned', 'repair_denied'],
    );
    assert.equal((await eventsOf(id, 'repair_denied'))[0]?.payload.reason, 'Not one of our trucks');
  });

  it('refuses a move the state does not allow, changing nothing (not even the workflow history)', async () => {
    const { id, handle } = await create(customerToken, { unitNumber: 'RF-1', description: 'chip' });
    await assigned(handle);
    const before = { rows: (await historyOf(id)).length, events: (await eventsOf(id)).length };
    for (const move of ['approve', 'deny', 'start', 'complete'] as const) {
      await assert.rejects(
        handle.executeUpdate(moveUpdates[move], { args: [{ actor: admin, reason: 'not applicable here' }] }),
        (err: unknown) => {
          assert.ok(err instanceof WorkflowUpdateFailedError);
          assert.ok(err.cause instanceof ApplicationFailure);
          assert.equal(err.cause.type, 'INVALID_TRANSITION');
          return true;
        },
      );
    }
    assert.equal((await handle.query(stateQuery)).status, 'REQUESTED');
    assert.equal((await h.db.models.Repair.query().findById(id))!.status, 'REQUESTED');
    assert.equal((await historyOf(id)).length, before.rows);
    assert.equal((await eventsOf(id)).length, before.events);
    const updates = ((await handle.fetchHistory()).events ?? []).filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes,
    );
    assert.deepEqual(updates, [], 'validator rejections leave no update in the workflow history');
  });

  it('queues a move sent while the previous one is committed but not yet answered (a client that read the database)', async () => {
    const { id, handle } = await create(customerToken, { unitNumber: 'IF-1', description: 'chip' });
    await assigned(handle);
    let release: () => void = () => undefined;
    faults.holdAfterCommit.set(`recordMove:submit:${id}`, new Promise<void>((r) => (release = r)));
    const submitted = handle.executeUpdate(moveUpdates.submit, { args: [{ actor: admin, estimatedCost: 30 }] });
    await eventually(
      async () => ((await h.db.models.Repair.query().findById(id))!.status === 'PENDING' ? true : undefined),
      'the committed submit',
    );
    assert.equal((await handle.query(stateQuery)).status, 'REQUESTED', 'the workflow has not heard back yet');
    const approved = handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
    // Still refused: a move that no state on the way allows.
    await assert.rejects(handle.executeUpdate(moveUpdates.complete, { args: [{ actor: admin }] }), WorkflowUpdateFailedError);
    release();
    assert.equal((await submitted).status, 'PENDING');
    assert.equal((await approved).status, 'APPROVED');
    assert.deepEqual(
      (await historyOf(id)).map((r) => r.move),
      ['create', 'assign', 'submit', 'approve'],
    );
  });

  it('moves on an approve signal (admins in the Temporal UI/CLI) and ignores an invalid one', async () => {
    const { id, handle } = await create(staffToken, { unitNumber: 'SG-1', description: 'chip', customerId, technicianId: techs[0] });
    await handle.signal(approveSignal, { byUserId: undefined });
    await eventually(async () => ((await handle.query(stateQuery)).status === 'APPROVED' ? true : undefined), 'approval by signal');
    await handle.signal(approveSignal, {}); // APPROVED cannot be approved again: logged, nothing changes
    await handle.executeUpdate(moveUpdates.start, { args: [{ actor: admin }] });
    const approvals = (await historyOf(id)).filter((r) => r.move === 'approve');
    assert.equal(approvals.length, 1);
    assert.equal(approvals[0]?.role, 'admin');
    assert.equal((await h.db.models.Repair.query().findById(id))!.status, 'IN_PROGRESS');
  });

  it('writes a move once even when the activity fails after committing and is retried', async () => {
    const { id, handle } = await create(staffToken, { unitNumber: 'RT-1', description: 'chip', customerId, technicianId: techs[0] });
    faults.failAfterCommit.add(`recordMove:approve:${id}`);
    const approved = await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
    assert.equal(approved.status, 'APPROVED');
    assert.equal(faults.failAfterCommit.size, 0, 'the fault was injected');
    assert.equal((await historyOf(id)).filter((r) => r.move === 'approve').length, 1);
    assert.equal((await eventsOf(id, 'repair_approved')).length, 1);

    // Temporal records only the attempt that finished: the approve activity succeeded on attempt 2.
    const attempts = ((await handle.fetchHistory()).events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    assert.ok(attempts.includes(2), `attempts seen: ${JSON.stringify(attempts)}`);
  });

  // last_value + 1 is the next id only once the sequence has been used: earlier tests here have created repairs.
  it('assigns once even when the assignment activity fails after committing', async () => {
    const repairId = Number((await h.db.knex.raw('select last_value + 1 as next from repairs_id_seq')).rows[0].next);
    faults.failAfterCommit.add(`assignTechnician:${repairId}`);
    const { id, handle } = await create(customerToken, { unitNumber: 'RT-2', description: 'chip' });
    assert.equal(id, repairId);
    await assigned(handle);
    assert.equal(faults.failAfterCommit.size, 0, 'the fault was injected');
    assert.equal((await historyOf(id)).filter((r) => r.move === 'assign').length, 1);
    assert.equal((await eventsOf(id, 'technician_assigned')).length, 1);
  });

  it('prices by the unit: 50, 40, 35, 30, 25, 25 for six completions of the same unit', async () => {
    const costs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { handle } = await create(staffToken, { unitNumber: 'PRICE-9', description: `job ${i}`, customerId, technicianId: techs[0] });
      await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
      await handle.executeUpdate(moveUpdates.start, { args: [{ actor: admin }] });
      costs.push((await handle.executeUpdate(moveUpdates.complete, { args: [{ actor: admin }] })).cost as number);
    }
    assert.deepEqual(costs, [50, 40, 35, 30, 25, 25]);
  });

  it("applies the customer's oldest pending redemption at completion", async () => {
    const [option] = await h.db
      .knex('reward_options')
      .insert({ name: '10% off', points_required: 100, discount_type: 'PERCENT', discount_value: 10 })
      .returning('id');
    const [fixed] = await h.db
      .knex('reward_options')
      .insert({ name: '$5 off', points_required: 50, discount_type: 'FIXED', discount_value: 5 })
      .returning('id');
    const user = await h.db.models.User.query().findOne({ username: 'fleet-w' });
    const older = await h.db.models.RewardRedemption.query().insert({ userId: user!.id, customerId, rewardOptionId: option.id });
    const newer = await h.db.models.RewardRedemption.query().insert({ userId: user!.id, customerId, rewardOptionId: fixed.id });

    const { id, handle } = await create(staffToken, { unitNumber: 'RW-1', description: 'chip', customerId, technicianId: techs[1] });
    await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
    await handle.executeUpdate(moveUpdates.start, { args: [{ actor: admin }] });
    const done = await handle.executeUpdate(moveUpdates.complete, { args: [{ actor: admin }] });
    assert.equal(done.cost, 50);
    assert.equal(done.discountedCost, 45);
    const applied = await h.db.models.RewardRedemption.query().findById(older.id);
    assert.equal(applied!.status, 'APPLIED');
    assert.equal(applied!.appliedToRepairId, id);
    assert.equal((await h.db.models.RewardRedemption.query().findById(newer.id))!.status, 'PENDING');
    const [event] = await eventsOf(id, 'reward_applied');
    assert.equal(event?.payload.technicianId, techs[1]);
  });
});
