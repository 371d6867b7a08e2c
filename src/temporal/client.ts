import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/definitions';
import type { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export interface TemporalHandles {
  connection: Connection;
  client: Client;
  /** Resolves when the server answers its health check within `timeoutMs`; never retries. */
  checkHealth(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Lazy connections: the API starts (and reports 503 on /api/health) even while Temporal is still
 * coming up, and reconnects by itself when it returns. The health probe has its own connection
 * without the client's retry interceptor, so a probe of a dead server ends at its deadline
 * instead of retrying in the background.
 */
export function createTemporalClient(address: string, namespace: string): TemporalHandles {
  const connection = Connection.lazy({ address });
  const probe = Connection.lazy({ address, interceptors: [] });
  return {
    connection,
    client: new Client({ connection, namespace }),
    checkHealth: async (timeoutMs) => {
      await probe.withDeadline(Date.now() + timeoutMs, () => probe.healthService.check({}));
    },
    close: async () => {
      await Promise.all([connection.close(), probe.close()]);
    },
  };
}

export function connectWorkerConnection(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

const INDEXED_VALUE_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const REGISTER_ATTEMPTS = 5;
const REGISTER_RETRY_MS = 200;

async function missingSearchAttributes(connection: Connection, namespace: string) {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  return ALL_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
}

/**
 * Registers the repair search attributes that the namespace lacks, and returns their names. Safe
 * at every start and from several processes starting at once. A concurrent registration can make
 * ours fail in several ways depending on the server version and visibility store (ALREADY_EXISTS;
 * UNAVAILABLE or INTERNAL while the server's add-search-attributes workflow or namespace update of
 * the other process is in flight), so the outcome is judged by listing again, never by the error:
 * done once every attribute is there; otherwise wait a little and try again, a few times.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let registered: string[] | undefined;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const missing = await missingSearchAttributes(connection, namespace);
    registered ??= missing.map((key) => key.name);
    if (missing.length === 0) return registered;
    if (attempt > REGISTER_ATTEMPTS) {
      if (lastError instanceof Error) throw lastError;
      throw new Error(`search attributes ${missing.map((k) => k.name).join(', ')} still missing after registering them`);
    }
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
      });
      continue;
    } catch (err) {
      lastError = err;
    }
    await delay(REGISTER_RETRY_MS * attempt);
  }
}
