import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { stateQuery } from '../../src/workflows/definitions';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { stack } from '../support/stack';

/** Everything the page shows, its frames included: the UI renders each markdown text in its own frame. */
async function textOf(page: Page): Promise<string> {
  const parts = await Promise.all(
    page.frames().map((f) =>
      f
        .locator('body')
        .innerText()
        .catch(() => ''),
    ),
  );
  return parts.join('\n');
}

/** Where the suite leaves its screenshot (git-ignored), for a person to look at. */
const SHOTS = path.resolve(__dirname, '../../.artifacts');

describe('workflows: the Temporal Web UI shows what a repair is and waits for (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let uiUrl: string;

  before(async function () {
    browser = await launchChromium(this);
    h = await startHarness({ APPROVAL_REMINDER_PERIOD: '1d', APPROVAL_ESCALATION_PERIOD: '2d' });
    uiUrl = (await stack()).temporal.uiUrl!;
    assert.ok(uiUrl, 'the test server runs its UI');
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it("a PENDING repair's page names its unit, customer and damage, and says it waits for the customer's approval", async () => {
    const customerId = await insertCustomer(h.db, 'Harbor Freight Lines');
    await insertUser(h.db, 'ui-boss', 'admin');
    await insertUser(h.db, 'ui-tech', 'technician');
    const token = await h.login('ui-boss', PASSWORD);
    const res = await h.request('POST', '/api/repairs', {
      token,
      body: { customerId, unitNumber: 'RIG-4471', description: 'Bullseye, driver side', damageType: 'chip' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const workflowId = res.body.workflowId as string;
    const handle = h.deps.temporal.client.workflow.getHandle(workflowId);
    await eventually(async () => (await handle.query(stateQuery)).technicianId ?? undefined, 'assignment');

    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    // The repair's texts live on the page's "User Metadata" tab (UI 2.42).
    // Clicked only once the page has drawn the run (its input names the unit): earlier, it is lost.
    await page.getByText('"RIG-4471"').first().waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    const texts = [
      'RIG-4471 · Harbor Freight Lines · chip',
      `Repair #${res.body.id} of unit RIG-4471 for Harbor Freight Lines (customer #${customerId})`,
      'Damage: chip',
      /waiting for Harbor Freight Lines to approve since [A-Z][a-z]{2} \d{1,2} \d\d:\d\d UTC; reminder [A-Z][a-z]{2} \d{1,2} \d\d:\d\d, escalation /,
      'approval reminder',
      'choose a technician',
    ];
    const missing = (shown: string) => texts.filter((t) => (typeof t === 'string' ? !shown.includes(t) : !t.test(shown)));
    let shown = '';
    await eventually(
      async () => {
        shown = await textOf(page);
        return missing(shown).length === 0 || undefined;
      },
      'the texts on the page',
      30_000,
    ).catch(() => assert.fail(`not on the page: ${missing(shown).join(' | ')}\n---\n${shown}`));
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'temporal-ui-pending-repair.png'), fullPage: true });
    await handle.terminate('test over');
  });
});
