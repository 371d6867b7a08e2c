import { stopStack } from './stack';

/** Mocha global fixture: stop the shared services after the whole run. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopStack();
}
