import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from './context';
import { createApp } from './app';
import { startEventHub, type EventHub } from './events/hub';

export interface RunningApi {
  server: Server;
  url: string;
  /** This process's live-event fan-out (its open streams). */
  events: EventHub;
  close(): Promise<void>;
}

export async function startApi(deps: AppDeps, port: number, host: string): Promise<RunningApi> {
  // One per process: its own LISTEN session, even when processes share deps (tests, benches).
  const events = await startEventHub(deps.db, deps.logger, { retentionMs: deps.config.events.retentionMs });
  const server = createServer(createApp({ ...deps, events }).callback());
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  }).catch(async (err: unknown) => {
    await events.close();
    throw err;
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${actual}`,
    events,
    close: async () => {
      // Open streams would hold server.close() forever: end them first.
      await events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
