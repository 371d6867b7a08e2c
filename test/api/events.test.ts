import assert from 'node:assert/strict';
import { createDb } from '../../src/db';
import { announce } from '../../src/db/queries/live-events';
import { startApi, type RunningApi } from '../../src/api/server';
import { insertNotifications } from '../activities/support';
import { startHarness, type Harness } from '../support/harness';
import { insertCustomer, insertUser } from '../support/fixtures';
import { openSse, type SseStream } from '../support/sse';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('api: live events (GET /api/events, LISTEN/NOTIFY across API processes)', () => {
  let h: Harness;
  let second: RunningApi;
  let secondDb: ReturnType<typeof createDb>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const open: SseStream[] = [];
  const stream = async (base: string, who: string, opts: { lastEventId?: number; query?: string } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[who]}` };
    if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
    const s = await openSse(`${base}/api/events${opts.query ?? ''}`, headers);
    open.push(s);
    return s;
  };

  before(async () => {
    h = await startHarness({ EVENTS_HEARTBEAT: '300ms' });
    const fleet = await insertCustomer(h.db, 'Fleet One');
    const other = await insertCustomer(h.db, 'Fleet Two');
    const quiet = await insertCustomer(h.db, 'Fleet Three');
    ids.alice = (await insertUser(h.db, 'alice', 'customer', { customerId: fleet })).userId;
    ids.bob = (await insertUser(h.db, 'bob', 'customer', { customerId: other })).userId;
    ids.carol = (await insertUser(h.db, 'carol', 'customer', { customerId: quiet })).userId;
    const tech = await insertUser(h.db, 'tech', 'technician');
    ids.tech = tech.userId;
    ids.techId = tech.technicianId!;
    for (const name of ['alice', 'bob', 'carol', 'tech']) tokens[name] = await h.login(name, 'password-123');
    // Another API process in all but the OS process: its own app, pool, LISTEN session and memory.
    secondDb = createDb(h.config.database.url!, 2);
    second = await startApi({ ...h.deps, db: secondDb }, 0, '127.0.0.1');
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  after(async () => {
    await second?.close();
    await secondDb?.destroy();
    await h?.close();
  });

  it('401 without a token, with a bad token, with a bad ticket', async () => {
    assert.equal((await openSse(`${h.api.url}/api/events`)).status, 401);
    assert.equal((await openSse(`${h.api.url}/api/events`, { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await openSse(`${h.api.url}/api/events?ticket=nope`)).status, 401);
  });

  it('a repair changed through one process reaches the streams of another, and only those who may see it', async () => {
    const techStream = await stream(second.url, 'tech');
    const aliceStream = await stream(second.url, 'alice');
    const bobStream = await stream(h.api.url, 'bob');
    assert.equal(techStream.status, 200);
    assert.match(techStream.contentType ?? '', /^text\/event-stream/);

    const created = await h.request('POST', '/api/repairs', { token: tokens.alice, body: { unitNumber: 'E-1', description: 'chip' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const repairId = created.body.id as number;
    const isCreate = (e: { event: string; data: any }) => e.event === 'repair' && e.data.repairId === repairId && e.data.move === 'create';
    await techStream.next(isCreate);
    await aliceStream.next(isCreate);
    const assigned = await techStream.next((e) => e.event === 'repair' && e.data.repairId === repairId && e.data.move === 'assign');
    assert.equal(assigned.data.technicianId, ids.techId);
    assert.ok(assigned.id! > 0);
    // The worker turns the assignment into the technician's in-app notification: announced too.
    const note = await techStream.next((e) => e.event === 'notification' && e.data.repairId === repairId);
    assert.equal(typeof note.data.title, 'string');

    const submit = await h.request('POST', `/api/repairs/${repairId}/submit`, { token: tokens.tech, body: { estimatedCost: 40 } });
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    await aliceStream.next((e) => e.event === 'repair' && e.data.move === 'submit' && e.data.status === 'PENDING');
    await aliceStream.next((e) => e.event === 'notification' && e.data.repairId === repairId);

    await sleep(300);
    assert.deepEqual(bobStream.events, [], 'another customer hears nothing of this repair');
    assert.ok(
      aliceStream.events.every((e) => e.event === 'repair' || e.event === 'notification'),
      JSON.stringify(aliceStream.events),
    );
    const aliceNotes = aliceStream.events.filter((e) => e.event === 'notification');
    const techNoteIds = techStream.events.filter((e) => e.event === 'notification').map((e) => e.data.id);
    assert.ok(
      aliceNotes.every((e) => !techNoteIds.includes(e.data.id)),
      'nobody receives anyone else’s notification',
    );
    assert.ok(techStream.comments > 0 && aliceStream.comments > 0, 'heartbeats');
  });

  it('notification_read goes to the reader’s streams only; a reconnect with Last-Event-ID gets exactly the missed events', async () => {
    const [n1, n2, n3] = (await insertNotifications(h.db, ids.carol!, ['LOW', 'LOW', 'LOW'])) as [number, number, number];
    await insertNotifications(h.db, ids.bob!, ['LOW']);
    const first = await stream(second.url, 'carol');
    const bobStream = await stream(second.url, 'bob');
    assert.equal((await h.request('POST', `/api/notifications/${n1}/read`, { token: tokens.carol })).status, 200);
    const seen = await first.next((e) => e.event === 'notification_read');
    assert.deepEqual(seen.data, { ids: [n1], all: false });
    first.close();

    assert.equal((await h.request('POST', `/api/notifications/${n2}/read`, { token: tokens.carol })).status, 200);
    const all = await h.request('POST', '/api/notifications/read-all', { token: tokens.carol });
    assert.deepEqual(all.body, { count: 1 });

    const resumed = await stream(second.url, 'carol', { lastEventId: seen.id! });
    const missed = await resumed.next((e) => e.event === 'notification_read' && e.data.all === true);
    await sleep(200);
    assert.deepEqual(
      resumed.events.map((e) => e.data),
      [
        { ids: [n2], all: false },
        { ids: [n3], all: true },
      ],
    );
    const byQuery = await stream(h.api.url, 'carol', { query: `?lastEventId=${seen.id}` });
    await byQuery.next((e) => e.id === missed.id);
    assert.equal(byQuery.events.length, 2);
    const live = await stream(h.api.url, 'carol', { lastEventId: missed.id! });
    await sleep(200);
    assert.deepEqual(live.events, [], 'nothing missed after the last one');
    assert.deepEqual(bobStream.events, [], 'bob hears nothing of carol');
  });

  it('a rolled-back change is never announced', async () => {
    const s = await stream(h.api.url, 'carol');
    await h.db.knex
      .transaction(async (trx) => {
        await announce(trx, [{ type: 'notification', userId: ids.carol!, payload: { id: -1 } }]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await h.db.knex.transaction((trx) => announce(trx, [{ type: 'notification', userId: ids.carol!, payload: { id: -2 } }]));
    await s.next((e) => e.data.id === -2);
    assert.deepEqual(
      s.events.map((e) => e.data.id),
      [-2],
    );
  });

  it('survives the loss of its LISTEN session: events announced meanwhile still arrive', async () => {
    const s = await stream(h.api.url, 'carol');
    const killed = await h.db.knex.raw(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'",
    );
    assert.ok(killed.rows.length >= 2, 'both processes listened');
    await h.db.knex.transaction((trx) => announce(trx, [{ type: 'notification', userId: ids.carol!, payload: { id: -3 } }]));
    await s.next((e) => e.data.id === -3, 5_000);
    await sleep(1_500);
    await h.db.knex.transaction((trx) => announce(trx, [{ type: 'notification', userId: ids.carol!, payload: { id: -4 } }]));
    await s.next((e) => e.data.id === -4, 5_000);
    assert.deepEqual(
      s.events.map((e) => e.data.id),
      [-3, -4],
    );
  });

  it('a ticket opens one stream, once, within its minute', async () => {
    const issued = await h.request('POST', '/api/events/ticket', { token: tokens.carol });
    assert.equal(issued.status, 201);
    const stored = await h.db.knex('event_tickets').select('tokenHash');
    assert.ok(
      stored.every((r: { tokenHash: string }) => r.tokenHash !== issued.body.ticket),
      'stored hashed',
    );
    const url = `${second.url}/api/events?ticket=${encodeURIComponent(issued.body.ticket)}`;
    const s = await openSse(url);
    open.push(s);
    assert.equal(s.status, 200);
    assert.equal((await openSse(url)).status, 401, 'single use');

    const stale = await h.request('POST', '/api/events/ticket', { token: tokens.carol });
    await h.db.knex('event_tickets').update({ expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await openSse(`${h.api.url}/api/events?ticket=${encodeURIComponent(stale.body.ticket)}`)).status, 401, 'expired');
    assert.equal((await h.request('POST', '/api/events/ticket')).status, 401);
  });

  it('ends the stream when the session ends', async () => {
    const s = await stream(h.api.url, 'bob');
    await h.db.knex('users').where('id', ids.bob).increment('sessionVersion', 1);
    await Promise.race([s.ended, sleep(3000).then(() => assert.fail('the stream stayed open'))]);
  });

  it('is documented in OpenAPI as text/event-stream', async () => {
    const doc = (await h.request('GET', '/api/openapi.json')).body;
    assert.ok(doc.paths['/api/events'].get.responses['200'].content['text/event-stream']);
    assert.ok(doc.paths['/api/events/ticket'].post);
  });
});
