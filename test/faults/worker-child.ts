/**
 * The worker of the fault-injection suite, as its own process (so it can be killed with -9):
 * the product's startWorker(), with the transport wrapped so the suite can make it fail
 * transiently. While the file given as --transport-flag exists, every send throws a retryable
 * DeliveryError (what a provider's 5xx or throttling looks like). The wrapper lives here, not in
 * product code.
 *   worker-child.ts [--workflow-bundle FILE] [--transport-flag FILE]   (config from the environment)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config';
import { DeliveryError, type Transport } from '../../src/transports/types';
import { startWorker } from '../../src/worker/start';

export function flakyTransport(real: Transport, flagFile: string | undefined): Transport {
  const check = () => {
    if (flagFile && existsSync(flagFile)) throw new DeliveryError('injected transient provider failure', 'FAULT_INJECTED', false);
  };
  return {
    name: real.name,
    sendEmail: async (m) => {
      check();
      return real.sendEmail(m);
    },
    sendSms: async (m) => {
      check();
      return real.sendSms(m);
    },
  };
}

async function main() {
  const { values } = parseArgs({ options: { 'workflow-bundle': { type: 'string' }, 'transport-flag': { type: 'string' } } });
  const bundlePath = values['workflow-bundle'];
  const { logger, running } = await startWorker(loadConfig(), {
    processName: 'faults-worker',
    // One bundle built by the suite for every worker it starts: a webpack per restart would slow the scenarios.
    workflowBundle: bundlePath ? { code: readFileSync(bundlePath, 'utf8') } : undefined,
    wrapTransport: (real) => flakyTransport(real, values['transport-flag']),
  });
  process.stdout.write('faults-worker ready\n');
  await running;
  logger.warn('worker run() ended');
}

main().catch((err: unknown) => {
  console.error('faults-worker failed:', err);
  process.exit(1);
});
