import assert from 'node:assert/strict';
import type { AppDeps } from '../../src/api/context';
import { startApi } from '../../src/api/server';
import { createDb } from '../../src/db';
import { startTemporalDevServer } from '../../src/embedded/temporal';
import { createTokenService } from '../../src/security/tokens';
import { createTemporalClient } from '../../src/temporal/client';
import { freshDatabase, startHarness, type Harness } from '../support/harness';
import { stack, testLogger } from '../support/stack';

describe('api: GET /api/health', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it('answers 200 healthy when PostgreSQL and Temporal are up, without a token', async () => {
    const res = await h.request('GET', '/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
    assert.equal(res.body.database, 'up');
    assert.equal(res.body.temporal, 'up');
    assert.ok(!Number.isNaN(Date.parse(res.body.timestamp)));
  });

  it('answers 503 naming the database when PostgreSQL refuses connections, and recovers', async () => {
    const { pg } = await stack();
    const { db: owner, name } = await freshDatabase();
    await owner.destroy();
    const deps: AppDeps = { ...h.deps, db: createDb(pg.url(name), 2) };
    const api = await startApi(deps, 0, '127.0.0.1');
    const admin = createDb(pg.url('postgres'), 1);
    try {
      assert.equal((await fetch(`${api.url}/api/health`)).status, 200);
      // Stop this database: no new connections, and the existing ones are cut.
      await admin.knex.raw(`alter database "${name}" allow_connections false`);
      await admin.knex.raw('select pg_terminate_backend(pid) from pg_stat_activity where datname = ?', [name]);
      const down = await fetch(`${api.url}/api/health`);
      assert.equal(down.status, 503);
      assert.deepEqual(
        { ...((await down.json()) as object), timestamp: undefined },
        { status: 'unhealthy', database: 'down', temporal: 'up', timestamp: undefined },
      );
      await admin.knex.raw(`alter database "${name}" allow_connections true`);
      assert.equal((await fetch(`${api.url}/api/health`)).status, 200);
    } finally {
      await api.close();
      await deps.db.destroy();
      await admin.destroy();
    }
  });

  it('answers 503 naming Temporal when its server is stopped', async () => {
    const { temporalCli } = await stack();
    const server = await startTemporalDevServer({ executable: temporalCli, namespace: 'default' });
    const temporal = createTemporalClient(server.address, 'default');
    const deps: AppDeps = {
      ...h.deps,
      temporal,
      tokens: createTokenService('t'.repeat(40), 60_000),
      logger: testLogger,
    };
    const api = await startApi(deps, 0, '127.0.0.1');
    try {
      assert.equal((await fetch(`${api.url}/api/health`)).status, 200);
      await server.stop();
      const down = await fetch(`${api.url}/api/health`);
      assert.equal(down.status, 503);
      const body = (await down.json()) as Record<string, string>;
      assert.equal(body.status, 'unhealthy');
      assert.equal(body.temporal, 'down');
      assert.equal(body.database, 'up');
      assert.equal(down.headers.get('content-type')?.includes('json'), true);
    } finally {
      await api.close();
      await temporal.close();
    }
  });
});
