import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger } from '../../src/logger';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/embedded/postgres';
import { resolveTemporalCli, startTemporalDevServer, type DevServerHandle } from '../../src/embedded/temporal';
import { coverableBundle } from './workflow-coverage';

/**
 * The real services the integration suites share for one mocha run: an embedded PostgreSQL on a
 * free port with a throw-away data folder, a Temporal dev server (the same binary `npm start`
 * uses) and one workflow bundle. Started on first use; stopped by the global teardown.
 */
export interface Stack {
  pg: EmbeddedPostgresHandle;
  temporal: DevServerHandle;
  workflowBundle: { code: string };
  temporalCli: ReturnType<typeof resolveTemporalCli>;
}

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let started: Promise<Stack> | undefined;
let tmpRoot: string | undefined;

export function stack(): Promise<Stack> {
  started ??= (async () => {
    tmpRoot = await mkdtemp(path.join(tmpdir(), 'rsystems-test-'));
    const temporalCli = resolveTemporalCli(undefined, createLogger('info'));
    const [pg, temporal, workflowBundle] = await Promise.all([
      freePort().then((port) =>
        startEmbeddedPostgres({ dataDir: path.join(tmpRoot as string, 'pg'), port, logger: testLogger, persistent: false }),
      ),
      // With its Web UI: one suite checks in a browser what ops see there.
      freePort().then((uiPort) => startTemporalDevServer({ executable: temporalCli, namespace: 'default', uiPort })),
      bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietBundlerLogger }).then(coverableBundle),
    ]);
    return { pg, temporal, workflowBundle, temporalCli };
  })();
  return started;
}

export async function stopStack(): Promise<void> {
  if (!started) return;
  const s = await started.catch(() => undefined);
  started = undefined;
  await Promise.allSettled([s?.temporal.stop(), s?.pg.stop()]);
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
