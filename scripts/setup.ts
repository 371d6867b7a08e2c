import { createLogger } from '../src/logger';
import { resolveTemporalCli } from '../src/embedded/temporal';

/**
 * One-time preparation that is too slow to happen inside a test hook: find or build the Temporal
 * CLI (a cold `go install` takes a few minutes). npm start and npm test call it; it is idempotent.
 */
const logger = createLogger('info', { process: 'setup' });
const executable = resolveTemporalCli(undefined, logger);
logger.info({ executable }, 'Temporal CLI ready');
