import assert from 'node:assert/strict';
import { moveUpdates, stateQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import type { Harness } from '../support/harness';
import { admin, repairHelpers, startRepairWorld } from './repair-world';

// Under the lifecycle suite's title, where these tests were first, so that their names stay the same.
describe('workflow: repair lifecycle on a real Temporal server', () => {
  let h: Harness;
  let customerToken: string;
  let staffToken: string;
  let customerId: number;
  let techs: number[];

  before(async () => {
    ({ h, customerToken, staffToken, customerId, techs } = await startRepairWorld());
  });
  after(() => h?.close());

  const { create, assigned, eventsOf } = repairHelpers(() => h);

  it('reminds the customer, then escalates to admins, while a repair stays PENDING (once each)', async () => {
    const { id, handle } = await create(staffToken, { unitNumber: 'TM-1', description: 'chip', customerId, technicianId: techs[0] });
    await eventually(async () => ((await eventsOf(id, 'approval_escalation')).length ? true : undefined), 'escalation', 10_000);
    assert.equal((await eventsOf(id, 'approval_reminder')).length, 1);
    assert.equal((await eventsOf(id, 'approval_escalation')).length, 1);
    const [reminder, escalation] = [(await eventsOf(id, 'approval_reminder'))[0]!, (await eventsOf(id, 'approval_escalation'))[0]!];
    assert.ok(escalation.createdAt.getTime() - reminder.createdAt.getTime() >= 1000, 'escalation comes after the reminder period');
    await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
  });

  it('sends no reminder when the decision comes in time', async () => {
    const { id, handle } = await create(staffToken, { unitNumber: 'TM-2', description: 'chip', customerId, technicianId: techs[0] });
    await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await eventsOf(id, 'approval_reminder')).length, 0);
  });

  it('waits without failing while no technician is active, and assigns one as soon as one is', async () => {
    await h.db.models.Technician.query().patch({ isActive: false });
    try {
      const { id, handle } = await create(customerToken, { unitNumber: 'WT-1', description: 'chip' });
      await new Promise((r) => setTimeout(r, 1500)); // three retry periods
      const waiting = await handle.describe();
      assert.equal(waiting.status.name, 'RUNNING');
      assert.equal((await handle.query(stateQuery)).technicianId, null);
      assert.equal((await h.db.models.Repair.query().findById(id))!.technicianId, null);

      await h.db.models.Technician.query()
        .patch({ isActive: true })
        .where('id', techs[1] as number);
      assert.equal(await assigned(handle), techs[1]);
      assert.equal((await h.db.models.Repair.query().findById(id))!.technicianId, techs[1]);
    } finally {
      await h.db.models.Technician.query().patch({ isActive: true });
    }
  });

  it('an admin assignment releases the wait at once', async () => {
    await h.db.models.Technician.query()
      .patch({ isActive: false })
      .whereNot('id', techs[0] as number);
    await h.db.models.Technician.query()
      .patch({ isActive: false })
      .where('id', techs[0] as number);
    try {
      const { handle } = await create(customerToken, { unitNumber: 'WT-2', description: 'chip' });
      await h.db.models.Technician.query()
        .patch({ isActive: true })
        .where('id', techs[0] as number);
      const record = await handle.executeUpdate(moveUpdates.assign, { args: [{ actor: admin, technicianId: techs[0] }] });
      assert.equal(record.technicianId, techs[0]);
      assert.equal((await handle.query(stateQuery)).technicianId, techs[0]);
      // The status did not change, so only the technician is upserted.
      const { events } = await handle.fetchHistory();
      const upserted = (events ?? []).flatMap((e) => {
        const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        const ours = Object.keys(fields ?? {}).filter((k) => k !== 'TemporalChangeVersion'); // the SDK's, for patches
        return ours.length > 0 ? [ours.sort()] : [];
      });
      assert.deepEqual(upserted, [['TechnicianId']]);
    } finally {
      await h.db.models.Technician.query().patch({ isActive: true });
    }
  });
});
