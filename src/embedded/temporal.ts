import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment, type EphemeralServerExecutable } from '@temporalio/testing';
import type { Logger } from '../logger';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/definitions';

/** Later CLI tags carry a `replace` directive and cannot be built with `go install`. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
export const CLI_CACHE_DIR = path.join(homedir(), '.cache', 'rsystems', 'temporal-cli', TEMPORAL_CLI_VERSION);

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (command: string): string | null => {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const file = found.status === 0 ? found.stdout.trim() : '';
  return file && isExecutable(file) ? file : null;
};

/**
 * Finds the Temporal CLI, in this order: the configured path, `temporal` on PATH, our cached
 * build, a fresh `go install` of the pinned version into the cache, and last the SDK's own
 * download (which needs internet).
 */
export function resolveTemporalCli(configuredPath: string | undefined, logger: Logger): EphemeralServerExecutable {
  if (configuredPath) {
    if (!isExecutable(configuredPath)) {
      throw new Error(`TEMPORAL_CLI_PATH: ${configuredPath} is not an executable file`);
    }
    return { type: 'existing-path', path: configuredPath };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { type: 'existing-path', path: fromPath };

  const cached = path.join(CLI_CACHE_DIR, 'temporal');
  if (isExecutable(cached)) return { type: 'existing-path', path: cached };

  if (onPath('go')) {
    logger.info({ module: CLI_MODULE }, 'building the Temporal CLI with go install (first run only, a few minutes)');
    // Build into a private folder, then rename: a concurrent run never sees a half-written binary.
    const staging = path.join(CLI_CACHE_DIR, `.staging-${process.pid}`);
    mkdirSync(staging, { recursive: true });
    const built = spawnSync('sh', ['-c', 'GOBIN="$1" go install "$2"', 'sh', staging, CLI_MODULE], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (built.status === 0) {
      renameSync(path.join(staging, 'temporal'), cached);
      rmSync(staging, { recursive: true, force: true });
      return { type: 'existing-path', path: cached };
    }
    rmSync(staging, { recursive: true, force: true });
    logger.warn('go install of the Temporal CLI failed; falling back to the SDK download');
  }
  return { type: 'cached-download' };
}

export interface DevServerHandle {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Extra dev-server flags for a persistent SQLite file: write-ahead logging and `synchronous=normal`
 * let readers and the writer overlap and sync once per checkpoint rather than per transaction. It
 * still survives a killed server process (the fault suite restarts it); only a power cut could
 * lose the last transactions, an acceptable trade for a development server.
 */
export function devServerArgs(dbFile: string | undefined, tuning: DevServerTuning = 'on'): string[] {
  const pragmas = dbFile === undefined ? [] : ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];
  if (tuning === 'off') return pragmas;
  return [...pragmas, ...Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`])];
}

export type DevServerTuning = 'on' | 'off';

/**
 * Dynamic config for one development machine (measured with `npm run bench -- --server-tuning`,
 * see docs/benchmarks.md). The dev server re-reads the search-attribute list from its store on
 * every visibility write, so new attributes show at once; ours are all registered at start. One
 * task-queue partition instead of four: with a handful of pollers, four partitions mostly forward
 * polls and tasks between each other.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string> = {
  'system.forceSearchAttributesCacheRefreshOnRead': 'false',
  'matching.numTaskqueueReadPartitions': '1',
  'matching.numTaskqueueWritePartitions': '1',
};

/** A Temporal dev server (real server, SQLite persistence when `dbFile` is set) with our search attributes. */
export async function startTemporalDevServer(opts: {
  executable: EphemeralServerExecutable;
  namespace: string;
  port?: number;
  uiPort?: number;
  dbFile?: string;
}): Promise<DevServerHandle> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: opts.executable,
      namespace: opts.namespace,
      ip: '127.0.0.1',
      port: opts.port,
      ui: opts.uiPort !== undefined,
      uiPort: opts.uiPort,
      dbFilename: opts.dbFile,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'json', level: 'error' },
      extraArgs: devServerArgs(opts.dbFile),
    },
  });
  return {
    address: env.address,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : null,
    stop: () => env.teardown(),
  };
}
