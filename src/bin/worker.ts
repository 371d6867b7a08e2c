import { loadConfig } from '../config';
import { startWorker } from '../worker/start';

/** The Temporal worker alone (deployments: docker-compose's `worker` service). */
async function main() {
  const { running } = await startWorker(loadConfig());
  await running;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
