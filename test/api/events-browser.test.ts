import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { openSse } from '../support/sse';

interface Received {
  type: string;
  id: number;
  data: { repairId?: number; move?: string; status?: string; id?: number };
}

/**
 * What a portal does: a ticket from POST /api/events/ticket (EventSource cannot send a bearer),
 * and when the stream is lost, a fresh ticket and `?lastEventId=` (a spent ticket cannot reconnect).
 */
const PAGE = `<!doctype html>
<title>live</title>
<ul id="log"></ul>
<script>
  const token = decodeURIComponent(location.hash.slice(1));
  window.received = [];
  window.opens = 0;
  let source;
  let lastId = '';
  async function connect() {
    const res = await fetch('/api/events/ticket', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
    const { ticket } = await res.json();
    const q = new URLSearchParams({ ticket });
    if (lastId) q.set('lastEventId', lastId);
    source = new EventSource('/api/events?' + q);
    source.onopen = () => { window.opens += 1; };
    for (const type of ['repair', 'notification', 'notification_read']) {
      source.addEventListener(type, (e) => {
        lastId = e.lastEventId;
        const data = JSON.parse(e.data);
        window.received.push({ type, id: Number(e.lastEventId), data });
        const li = document.createElement('li');
        li.textContent = type + ' ' + (data.move || '') + ' repair ' + (data.repairId || '');
        document.getElementById('log').append(li);
      });
    }
  }
  window.drop = () => source.close();
  window.reconnect = connect;
  connect();
</script>`;

describe('api: live events in a real browser (headless Chromium, EventSource)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const tokens: Record<string, string> = {};

  before(async function () {
    browser = await launchChromium(this);
    h = await startHarness();
    const fleet = await insertCustomer(h.db, 'Fleet One');
    await insertUser(h.db, 'alice', 'customer', { customerId: fleet });
    await insertUser(h.db, 'tech', 'technician');
    for (const name of ['alice', 'tech']) tokens[name] = await h.login(name, PASSWORD);
    page = await browser.newPage();
    // Served from the API's own origin, as a portal behind the same host would be.
    await page.route(`${h.api.url}/live.html`, (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  const received = () => page.evaluate(() => (globalThis as unknown as { received: Received[] }).received);
  const until = (pred: string) => page.waitForFunction(pred, undefined, { timeout: 15_000 });

  it("a technician's page hears of the approval, and after losing the stream gets exactly what it missed", async () => {
    await page.goto(`${h.api.url}/live.html#${encodeURIComponent(tokens.tech!)}`);
    await until('window.opens === 1');

    const created = await h.request('POST', '/api/repairs', { token: tokens.alice, body: { unitNumber: 'E-1', description: 'chip' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const repairId = created.body.id as number;
    await until(`window.received.some((e) => e.data.repairId === ${repairId} && e.data.move === 'assign')`);
    const submit = await h.request('POST', `/api/repairs/${repairId}/submit`, { token: tokens.tech, body: { estimatedCost: 40 } });
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const approve = await h.request('POST', `/api/repairs/${repairId}/approve`, { token: tokens.alice });
    assert.equal(approve.status, 200, JSON.stringify(approve.body));
    await until(`window.received.some((e) => e.data.repairId === ${repairId} && e.data.move === 'approve')`);
    assert.match(await page.locator('#log').innerText(), new RegExp(`repair approve repair ${repairId}`));

    // Lost: the technician starts the work meanwhile; the page reconnects with a new ticket.
    const before = await received();
    const lastSeen = before[before.length - 1]!.id;
    await page.evaluate(() => (globalThis as unknown as { drop: () => void }).drop());
    const start = await h.request('POST', `/api/repairs/${repairId}/start`, { token: tokens.tech });
    assert.equal(start.status, 200, JSON.stringify(start.body));

    // The stored rows after lastSeen, read by a second client: what the page must now receive.
    const witness = await openSse(`${h.api.url}/api/events?lastEventId=${lastSeen}`, { authorization: `Bearer ${tokens.tech}` });
    await witness.next((e) => e.event === 'repair' && e.data.move === 'start');
    witness.close();
    const missed = witness.events.map((e) => e.id);

    await page.evaluate(() => (globalThis as unknown as { reconnect: () => Promise<void> }).reconnect());
    await until('window.opens === 2');
    await until(`window.received.some((e) => e.data.repairId === ${repairId} && e.data.move === 'start')`);
    const after = (await received()).slice(before.length);
    assert.deepEqual(
      after.slice(0, missed.length).map((e) => e.id),
      missed,
      'exactly the missed events, in order',
    );
    const ids = (await received()).map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
  });
});
