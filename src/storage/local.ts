import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertKey, type PhotoStorage } from './types';

/**
 * Photos as files under `root`. A write goes to a temporary file beside its target and is renamed
 * into place (atomic on one file system), so a crash leaves a stray temporary file, never a torn
 * photo; stray files are found by `list` like any other unowned object.
 */
export function localPhotoStorage(root: string): PhotoStorage {
  const file = (key: string) => {
    assertKey(key);
    return path.join(root, ...key.split('/'));
  };
  return {
    kind: 'local',
    async put(key, body) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Named like a key (so the sweep can remove one left by a crash), never like a photo's.
      const temp = `${target}.partial-${randomUUID()}`;
      try {
        await writeFile(temp, body, { flag: 'wx', flush: true });
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      // Opened before answering: a delete after this point leaves the open file readable (POSIX).
      const handle = await open(file(key), 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (!handle) return null;
      const { size } = await handle.stat();
      return { body: handle.createReadStream(), bytes: size };
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
    async *list(before) {
      async function* walk(dir: string, prefix: string): AsyncGenerator<string> {
        const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return [];
          throw err;
        });
        for (const entry of entries) {
          const key = prefix ? `${prefix}/${entry.name}` : entry.name;
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) yield* walk(full, key);
          else if (entry.isFile()) {
            const info = await stat(full).catch(() => null);
            if (info && info.mtime < before) yield key;
          }
        }
      }
      yield* walk(root, '');
    },
  };
}
