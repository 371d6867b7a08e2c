import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

export interface TemporalRuntimeOptions {
  /** SDK log level (trace … error); warn when absent. */
  level?: string;
  /**
   * host:port of the SDK's Prometheus exporter (worker, workflow and activity metrics, temporal_*,
   * served as Prometheus text on any path); absent = no exporter.
   */
  prometheusBindAddress?: string;
}

/**
 * The Temporal SDK runtime, installed once per process, before any worker or native connection:
 * its logs go through our JSON logger, and it leaves SIGINT/SIGTERM to us so that shutdown runs
 * in our order (API, worker, connections, embedded services).
 */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): void {
  const { level = 'warn', prometheusBindAddress } = options;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
    ...(prometheusBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: prometheusBindAddress } } } } : {}),
    logger: new DefaultLogger(LEVELS[level] ?? 'WARN', ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      sdkLogger[method](meta ?? {}, message);
    }),
  });
}

/** The exporter address WORKER_METRICS_PORT asks for (on HOST), or none when it is unset. */
export function workerMetricsAddress(config: { http: { host: string }; worker: { metricsPort?: number } }): string | undefined {
  if (config.worker.metricsPort === undefined) return undefined;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return `${host}:${config.worker.metricsPort}`;
}
