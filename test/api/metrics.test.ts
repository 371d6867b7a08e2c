import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';
import { insertUser, PASSWORD } from '../support/fixtures';

const TOKEN = 'scraper-token-scraper-token';

describe('api: GET /metrics (Prometheus)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ METRICS_TOKEN: TOKEN });
    await insertUser(h.db, 'metrics-admin', 'admin');
  });
  after(() => h?.close());

  const scrape = (token?: string) => fetch(`${h.api.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('counts requests and their latency per route template and status, never per raw path', async () => {
    const admin = await h.login('metrics-admin', PASSWORD);
    for (const id of [101, 202, 303]) assert.equal((await h.request('GET', `/api/repairs/${id}`, { token: admin })).status, 404);
    await h.request('GET', '/api/no-such-route');
    const res = await scrape(TOKEN);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^http_requests_total\{method="GET",route="\/repairs\/:id",status="404"\} 3$/m);
    assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/repairs\/:id",status="404"\} 3$/m);
    assert.match(text, /^http_requests_total\{method="POST",route="\/auth\/login",status="200"\} 1$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    assert.doesNotMatch(text, /repairs\/101|no-such-route/, 'ids and unknown paths never become labels');
    assert.match(text, /^# TYPE http_server_errors_total counter$/m);
    assert.match(text, /^event_streams_open 0$/m);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
  });

  it('answers only a scraper with the token when one is configured', async () => {
    assert.equal((await scrape()).status, 401);
    assert.equal((await scrape('wrong-token-wrong-token-xx')).status, 401);
    assert.equal((await scrape(TOKEN)).status, 200);
  });

  it('counts the event streams open on this process', async () => {
    const admin = await h.login('metrics-admin', PASSWORD);
    const controller = new AbortController();
    const stream = await fetch(`${h.api.url}/api/events`, { headers: { authorization: `Bearer ${admin}` }, signal: controller.signal });
    assert.equal(stream.status, 200);
    try {
      assert.match(await (await scrape(TOKEN)).text(), /^event_streams_open 1$/m);
    } finally {
      controller.abort();
    }
  });
});
