import assert from 'node:assert/strict';
import { readdir, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createPhotoStorage, type PhotoStorage } from '../../src/storage';
import { PHOTO_BACKENDS, photoBackend, TEST_CREDENTIALS, type BackendEnv } from '../support/photo-backends';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keys(storage: PhotoStorage): Promise<string[]> {
  const found: string[] = [];
  for await (const key of storage.list(new Date(Date.now() + 60_000))) found.push(key);
  return found.sort();
}

for (const backend of PHOTO_BACKENDS) {
  describe(`storage: photos in ${backend}`, function () {
    this.timeout(600_000); // the first s3 run installs moto
    let where: BackendEnv | null;
    let storage: PhotoStorage;
    let dataDir: string;

    before(async function () {
      where = await photoBackend(backend);
      if (!where) return this.skip();
      const config = loadConfig({ NODE_ENV: 'test', ...where.env });
      dataDir = config.dataDir;
      storage = createPhotoStorage(config, { credentials: TEST_CREDENTIALS });
      assert.equal(storage.kind, backend);
    });
    after(() => where?.stop());

    it('gives back what was put, byte for byte, with its size', async () => {
      const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      await storage.put('7/a.jpg', body, 'image/jpeg');
      const got = await storage.get('7/a.jpg');
      assert.ok(got);
      assert.equal(got.bytes, body.length);
      assert.ok((await readAll(got.body)).equals(body));
    });

    it('answers null for a missing object, and deleting twice (or what never was) succeeds', async () => {
      assert.equal(await storage.get('7/none.jpg'), null);
      await storage.put('7/b.jpg', Buffer.from('b'), 'image/jpeg');
      await storage.delete('7/b.jpg');
      await storage.delete('7/b.jpg');
      await storage.delete('8/never.webp');
      assert.equal(await storage.get('7/b.jpg'), null);
    });

    it('replaces an object whole, and lists only what was written before the cut-off', async () => {
      await storage.put('9/c.png', Buffer.from('first'), 'image/png');
      await storage.put('9/c.png', Buffer.from('second version'), 'image/png');
      assert.equal((await readAll((await storage.get('9/c.png'))!.body)).toString(), 'second version');
      assert.ok((await keys(storage)).includes('9/c.png'));
      const past: string[] = [];
      for await (const key of storage.list(new Date(Date.now() - 3_600_000))) past.push(key);
      assert.deepEqual(past, []);
    });

    it('refuses keys that could leave its root', async () => {
      for (const key of ['../x.jpg', '/etc/passwd', 'a/../../b', '.hidden', 'a//b', '']) {
        await assert.rejects(storage.put(key, Buffer.from('x'), 'image/jpeg'), /invalid storage key/, key);
        await assert.rejects(storage.get(key), /invalid storage key/, key);
      }
    });

    if (backend === 'local') {
      it('writes through a temporary file and a rename: a failed write leaves nothing behind', async () => {
        await storage.put('10/d.jpg', Buffer.alloc(1024, 1), 'image/jpeg');
        const root = path.join(dataDir, 'photos');
        assert.deepEqual(await readdir(path.join(root, '10')), ['d.jpg']);
        // A directory where the file should go: the rename fails, and the temporary file goes too.
        await mkdir(path.join(root, '10', 'e.jpg'));
        await assert.rejects(storage.put('10/e.jpg', Buffer.alloc(10), 'image/jpeg'));
        assert.deepEqual((await readdir(path.join(root, '10'))).sort(), ['d.jpg', 'e.jpg']);
      });
    }
  });
}
