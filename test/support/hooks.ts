import { installTemporalRuntime } from '../../src/temporal/runtime';
import { stopStack, testLogger } from './stack';

// Before any worker or connection exists: SDK logs through our (silent) logger, signals left alone.
installTemporalRuntime(testLogger);

/** Mocha global fixture: stop the shared services after the whole run. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopStack();
}
