import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * The Temporal SDK runtime, installed once per process, before any worker or native connection:
 * its logs go through our JSON logger, and it leaves SIGINT/SIGTERM to us so that shutdown runs
 * in our order (API, worker, connections, embedded services).
 */
export function installTemporalRuntime(logger: Logger, level = 'warn'): void {
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(LEVELS[level] ?? 'WARN', ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      sdkLogger[method](meta ?? {}, message);
    }),
  });
}
