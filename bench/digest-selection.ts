/**
 * How long an hourly digest run's recipient selection takes with many users (issue 17):
 * `node --require tsx/cjs bench/digest-selection.ts [users]` (default 100000), on an embedded
 * PostgreSQL of its own. A tenth of the users want a digest, spread over a dozen zones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Knex } from 'knex';
import path from 'node:path';
import { createActivities } from '../src/activities';
import { loadConfig } from '../src/config';
import { createDb, migrateLatest } from '../src/db';
import { dueDigestZones } from '../src/domain/notifications/digest-schedule';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { createLogger } from '../src/logger';
import { createLocalTransport } from '../src/transports/local';
import { createLoggingMetrics } from '../src/transports/metrics';
import { freePort, median } from './support';

const USERS = Number(process.argv[2] ?? 100_000);
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'Europe/Berlin', 'Europe/London'];
const ZONES_SQL = `array['${[...ZONES, 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney', 'America/Toronto', 'America/Phoenix', 'Pacific/Auckland'].join("','")}']`;

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'digest-bench-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    logger: createLogger('silent'),
    persistent: false,
  });
  const db = createDb(pg.url('postgres'), 2);
  try {
    await migrateLatest(db);
    await db.knex.raw(
      `insert into users (username, password_hash, email, role, timezone)
       select 'u' || i, 'x', 'u' || i || '@example.com', 'customer', case when i % 3 = 0 then null else (${ZONES_SQL})[1 + i % 12] end
       from generate_series(1, ?) i`,
      [USERS],
    );
    // Everyone has preferences; one in ten wants a digest, some with quiet hours in a zone of their own.
    await db.knex.raw(
      `insert into notification_preferences (user_id, categories, digest_enabled, quiet_hours_enabled, quiet_hours_timezone)
       select id, '{}', id % 10 = 0, id % 7 = 0, case when id % 7 = 0 then (${ZONES_SQL})[1 + id % 5] else 'UTC' end from users`,
    );
    await db.knex.raw('analyze');
    const config = loadConfig({ NODE_ENV: 'test' });
    const acts = createActivities({
      db,
      transport: createLocalTransport(db),
      metrics: createLoggingMetrics(() => undefined),
      portals: config.notifications.portals,
      rewards: config.rewards,
      smsBudget: { monthlyUsd: 1, costEstimateUsd: 0 },
      passwordResetTtlMs: 1,
      approvalLinkTtlMs: 1,
      emailPacing: { perSecond: 1000 },
      digest: { maxItems: 50 },
    });
    // 13:00 UTC: 09:00 on the US east coast (the busiest hour of this population).
    const runAt = Date.parse('2026-06-01T13:00:00Z');
    const measure = async () => {
      const t0 = performance.now();
      const zones = await acts.listDigestZones('UTC');
      const t1 = performance.now();
      const due = dueDigestZones(runAt, zones, '09:00').due.map((z) => z.timeZone);
      let after = 0;
      let found = 0;
      let pages = 0;
      for (;;) {
        const page = await acts.listDueDigestRecipients({ zones: due, defaultZone: 'UTC', afterUserId: after, limit: 200 });
        found += page.length;
        pages++;
        if (page.length < 200) break;
        after = page.at(-1)!.userId;
      }
      return { zonesMs: t1 - t0, pagesMs: performance.now() - t1, found, pages, due };
    };
    if (process.env.EXPLAIN) {
      // The plans of the two queries (the zones, then a page from the middle of the ids).
      const seen: { sql: string; bindings: unknown[] }[] = [];
      const keep = (q: { sql: string; bindings: unknown[] }) => seen.push(q);
      db.knex.on('query', keep);
      const zones = await acts.listDigestZones('UTC');
      await acts.listDueDigestRecipients({
        zones: dueDigestZones(runAt, zones, '09:00').due.map((z) => z.timeZone),
        defaultZone: 'UTC',
        afterUserId: USERS / 2,
        limit: 200,
      });
      db.knex.off('query', keep);
      for (const q of seen) {
        const plan = await db.knex.raw<{ rows: Record<string, string>[] }>(
          `explain (analyze, buffers) ${q.sql.replace(/\$\d+/g, '?')}`,
          q.bindings as Knex.RawBinding[],
        );
        console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), '\n');
      }
    }
    for (const label of ['with the partial index', 'without it']) {
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await measure());
      const last = runs.at(-1)!;
      console.log(
        `${label}: ${USERS} users, ${last.found} due in ${last.due.join(', ')} (${last.pages} pages of 200); ` +
          `zones query median ${median(runs.map((r) => r.zonesMs)).toFixed(1)} ms, all pages median ${median(runs.map((r) => r.pagesMs)).toFixed(1)} ms`,
      );
      await db.knex.raw('drop index if exists notification_preferences_digest_recipients_index');
    }
  } finally {
    await db.destroy();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
