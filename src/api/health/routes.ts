import { z } from 'zod';
import type { AppDeps } from '../context';
import { defineRoute, reply } from '../route';

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export const checkDependencies = (deps: AppDeps) =>
  Promise.all([probe(() => deps.db.knex.raw('select 1')), probe(() => deps.temporal.checkHealth(CHECK_TIMEOUT_MS))]);

const healthResponse = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  database: z.enum(['up', 'down']),
  temporal: z.enum(['up', 'down']),
  timestamp: z.iso.datetime(),
});

export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/health',
    tag: 'health',
    summary: 'Liveness and dependency checks (503 when the database or Temporal is down)',
    access: 'public',
    response: healthResponse,
    errors: [503],
    handler: async (_req, deps) => {
      const [database, temporal] = await checkDependencies(deps);
      const healthy = database === 'up' && temporal === 'up';
      const body = { status: healthy ? 'healthy' : 'unhealthy', database, temporal, timestamp: new Date().toISOString() };
      return reply(healthy ? 200 : 503, body);
    },
  }),
];
