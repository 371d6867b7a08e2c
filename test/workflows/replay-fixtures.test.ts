import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { historyFromJson } from '../support/history-json';

/**
 * Cross-version determinism: histories written by earlier workflow code (recorded by
 * scripts/record-histories.ts, each from the commit in its `recordedAt`) must replay with today's.
 * A failure here means the change would break repairs, deliveries, digests, announcements or
 * password resets already running in production: keep the old behaviour for them (`patched()`, or
 * a new workflow type) rather than re-recording, which only hides the break. Needs the workflow
 * bundle only, no database or server.
 */
const DIR = path.join(__dirname, 'fixtures');

// Listed, so that a fixture deleted (or not re-recorded) fails as loudly as one that no longer replays.
const EXPECTED = [
  'announcement',
  'announcement.child-1',
  'cleanup',
  'denied',
  'edited',
  'digest',
  'local-digest',
  'fleet-handoff',
  'fleet-handoff.child-1',
  'fleet-handoff.child-2',
  'fleet-handoff.child-3',
  'lifecycle',
  'lifecycle.1446976',
  'password-reset',
  'quiet-hours',
  'quiet-hours.child-1',
  'signal-approve',
  'signal-approve.child-1',
];

interface Fixture {
  workflowId: string;
  workflowType: string;
  recordedAt: string;
  events: number;
  history: { events: { eventType: string }[] };
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

describe('workflows: recorded histories of earlier code replay with this code', () => {
  let workflowBundle: { code: string };
  before(async function () {
    this.timeout(60_000);
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietBundlerLogger });
  });

  it('has every expected fixture and no other', () => {
    const found = readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    assert.deepEqual(found.sort(), [...EXPECTED].sort());
  });

  for (const name of EXPECTED) {
    it(`replays ${name}`, async () => {
      const fixture = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Fixture;
      const { events } = fixture.history;
      assert.equal(events.length, fixture.events, 'the whole history');
      // A closed run: replay then covers every command the workflow ever issued, to its result.
      assert.equal(events.at(-1)?.eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      try {
        await Worker.runReplayHistory(
          { workflowBundle, replayName: `fixture-${name}` },
          historyFromJson(fixture.history),
          fixture.workflowId,
        );
      } catch (err) {
        const e = err as Error;
        assert.fail(
          `${name}.json (${fixture.workflowId}, ${fixture.workflowType}, recorded at ${fixture.recordedAt}): ${e.name}: ${e.message}`,
        );
      }
    });
  }
});
