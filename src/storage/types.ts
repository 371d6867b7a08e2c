import type { Readable } from 'node:stream';

/**
 * Where photo bytes live. Keys are ours (see src/use-cases/photos.ts): relative, `/`-separated,
 * letters, digits, `.`, `_` and `-`. Every backend is built once from config and handed in.
 */
export interface PhotoStorage {
  readonly kind: 'local' | 's3';
  /** Writes the whole object or nothing: a reader never sees half of it. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object as a stream, or null when there is none. */
  get(key: string): Promise<{ body: Readable; bytes: number } | null>;
  /** Idempotent: deleting what is not there succeeds. */
  delete(key: string): Promise<void>;
  /** Keys of objects last written before `before` (the orphan sweep's input). */
  list(before: Date): AsyncIterable<string>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/** Keys never climb out of the storage's root (no `..`, no leading `/` or `.`). */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 250) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}
