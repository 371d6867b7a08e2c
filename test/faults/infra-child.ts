/**
 * The infrastructure of one fault scenario, in its own process (so the dev server's and
 * PostgreSQL's output goes to a log file, not the suite's report): embedded PostgreSQL with a
 * persistent data folder and the Temporal dev server with a SQLite file, each on a fixed port, both
 * on 127.0.0.1. The suite restarts either in place through IPC messages:
 *   { id, cmd: 'restart-postgres' | 'restart-temporal', downMs }  →  { id, ok, error? }
 * and SIGTERM stops both. Started with FAULTS_DIR, FAULTS_PG_PORT, FAULTS_TEMPORAL_PORT; it sends
 * { ready: true, databaseUrl, temporalAddress } once both are up.
 */
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/embedded/postgres';
import { resolveTemporalCli, startTemporalDevServer, type DevServerHandle } from '../../src/embedded/temporal';

const dir = process.env.FAULTS_DIR as string;
const pgPort = Number(process.env.FAULTS_PG_PORT);
const temporalPort = Number(process.env.FAULTS_TEMPORAL_PORT);
const logger = createLogger('warn', { process: 'faults-infra' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (m: unknown) => process.send?.(m);

const startPg = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, logger, persistent: true });
const executable = resolveTemporalCli(undefined, logger);
const startTemporal = () =>
  startTemporalDevServer({ executable, namespace: 'default', port: temporalPort, dbFile: path.join(dir, 'temporal.db') });

async function main() {
  let pg: EmbeddedPostgresHandle = await startPg();
  await pg.createDatabase('rsystems');
  let temporal: DevServerHandle = await startTemporal();

  process.on('message', (m: { id: number; cmd: string; downMs: number }) => {
    void (async () => {
      try {
        if (m.cmd === 'restart-postgres') {
          await pg.stop();
          await sleep(m.downMs);
          pg = await startPg();
        } else if (m.cmd === 'restart-temporal') {
          await temporal.stop();
          await sleep(m.downMs);
          temporal = await startTemporal();
        } else {
          throw new Error(`unknown command ${m.cmd}`);
        }
        send({ id: m.id, ok: true });
      } catch (err) {
        send({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) });
      }
    })();
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([temporal.stop(), pg.stop()]);
    process.exit(0);
  };
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop()); // the suite went away
  send({ ready: true, databaseUrl: pg.url('rsystems'), temporalAddress: temporal.address });
}

main().catch((err: unknown) => {
  console.error('faults-infra failed:', err);
  process.exit(1);
});
