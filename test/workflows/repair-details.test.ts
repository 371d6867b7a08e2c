import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { moveUpdates, stateQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { stack } from '../support/stack';
import { admin } from './repair-world';

const run = promisify(execFile);

/** The user metadata the Temporal UI reads for a workflow's page (the same query the CLI sends). */
async function currentDetails(handle: WorkflowHandle): Promise<string | undefined> {
  const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails;
}

/** "EVENT_TYPE: summary" for each event of the history that carries one. */
async function summariesOf(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((e) => {
    const data = e.userMetadata?.summary?.data;
    if (!data || e.eventType === null || e.eventType === undefined) return [];
    const type = String(temporal.api.enums.v1.EventType[e.eventType]).replace(/^EVENT_TYPE_/, '');
    return [`${type}: ${JSON.parse(Buffer.from(data).toString()) as string}`];
  });
}

describe('workflows: the Temporal UI and CLI explain a repair (summary, details, per-step summaries)', () => {
  let h: Harness;
  let staffToken: string;
  let customerId: number;
  let cli: (...args: string[]) => Promise<string>;

  before(async () => {
    // Long periods: the repair sits PENDING with both timers ahead of it.
    h = await startHarness({ APPROVAL_REMINDER_PERIOD: '1d', APPROVAL_ESCALATION_PERIOD: '2d', ASSIGNMENT_RETRY_PERIOD: '1h' });
    customerId = await insertCustomer(h.db, 'Fleet One');
    await insertUser(h.db, 'boss', 'admin');
    await insertUser(h.db, 'tech1', 'technician');
    staffToken = await h.login('boss', PASSWORD);
    const s = await stack();
    assert.equal(s.temporalCli.type, 'existing-path', 'the suites run the CLI binary');
    const binary = (s.temporalCli as { path: string }).path;
    cli = async (...args) => (await run(binary, [...args, '--address', s.temporal.address], { timeout: 30_000 })).stdout;
  });
  after(() => h?.close());

  it('a PENDING repair: its unit, customer, damage and what it waits for until when', async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: staffToken,
      body: { customerId, unitNumber: 'TRK-101', description: 'Star break, passenger side', damageType: 'chip' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'PENDING');
    const workflowId = res.body.workflowId as string;
    const handle = h.deps.temporal.client.workflow.getHandle(workflowId);
    const technicianId = await eventually(async () => (await handle.query(stateQuery)).technicianId ?? undefined, 'assignment');

    const description = await handle.describe();
    assert.equal(await description.staticSummary(), 'TRK-101 · Fleet One · chip');
    const staticDetails = await description.staticDetails();
    assert.match(staticDetails ?? '', new RegExp(`^Repair #${res.body.id} of unit TRK-101 for Fleet One \\(customer #${customerId}\\)\n`));
    assert.match(staticDetails ?? '', /\n- Damage: chip\n- Description: Star break, passenger side\n/);

    const details = await eventually(async () => {
      const d = await currentDetails(handle);
      return d?.includes('reminder') ? d : undefined;
    }, 'current details with the timers');
    assert.match(
      details,
      /^waiting for Fleet One to approve since [A-Z][a-z]{2} \d{1,2} \d\d:\d\d UTC; reminder [A-Z][a-z]{2} \d{1,2} \d\d:\d\d, escalation [A-Z][a-z]{2} \d{1,2} \d\d:\d\d$/,
    );
    assert.ok(technicianId > 0);

    // The CLI: `describe` prints the summary and static details, `metadata` the current details.
    const described = await cli('workflow', 'describe', '--workflow-id', workflowId);
    assert.match(described, /StaticSummary\s+"TRK-101 · Fleet One · chip"/);
    assert.match(described, /StaticDetails\s+"Repair #\d+ of unit TRK-101 for Fleet One/);
    const metadata = await cli('workflow', 'metadata', '--workflow-id', workflowId);
    assert.match(metadata, /Current Details:\s+waiting for Fleet One to approve since .* UTC; reminder .*, escalation /);

    // Timers and (local) activities carry their own summaries in the history the UI draws.
    const summaries = await summariesOf(handle);
    assert.ok(summaries.includes('TIMER_STARTED: approval reminder'), summaries.join('\n'));
    assert.ok(summaries.includes('MARKER_RECORDED: choose a technician'), summaries.join('\n'));
    assert.ok(summaries.includes('MARKER_RECORDED: notify of new events'), summaries.join('\n'));

    // Each move rewrites the details, naming who holds the repair now.
    const tech = `technician #${technicianId}`;
    await handle.executeUpdate(moveUpdates.approve, { args: [{ actor: admin }] });
    assert.match((await currentDetails(handle)) ?? '', new RegExp(`^approved by Fleet One; waiting for ${tech} to start since .* UTC$`));
    await handle.executeUpdate(moveUpdates.start, { args: [{ actor: admin }] });
    assert.match((await currentDetails(handle)) ?? '', new RegExp(`^in progress with ${tech} since .* UTC$`));
    await handle.executeUpdate(moveUpdates.complete, { args: [{ actor: admin }] });
    await handle.result();
    const after = await summariesOf(handle);
    for (const move of ['approve', 'start', 'complete']) {
      assert.ok(after.includes(`ACTIVITY_TASK_SCHEDULED: record ${move}`), after.join('\n'));
    }
  });

  it('a REQUESTED repair while no technician is active says so, and when it asks again', async () => {
    await h.db.knex('technicians').update({ is_active: false });
    try {
      await insertUser(h.db, 'fleet-one', 'customer', { customerId });
      const token = await h.login('fleet-one', PASSWORD);
      const res = await h.request('POST', '/api/repairs', { token, body: { unitNumber: 'VAN-7', description: 'Crack across' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const handle = h.deps.temporal.client.workflow.getHandle(res.body.workflowId as string);
      assert.equal(await (await handle.describe()).staticSummary(), 'VAN-7 · Fleet One · Crack across');
      const details = await eventually(async () => {
        const d = await currentDetails(handle);
        return d?.includes('none active') ? d : undefined;
      }, 'no technician');
      assert.match(details, /^waiting for a technician since .* UTC: none active; asking again at (\w{3} \d{1,2} )?\d\d:\d\d$/);
      const summaries = await summariesOf(handle);
      assert.ok(summaries.includes('TIMER_STARTED: ask again for a technician'), summaries.join('\n'));
      await handle.terminate('test over');
    } finally {
      await h.db.knex('technicians').update({ is_active: true });
    }
  });
});
