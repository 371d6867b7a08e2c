import assert from 'node:assert/strict';
import { sweepOrphanPhotos } from '../../src/use-cases/photos';
import { PHOTO_BACKENDS } from '../support/photo-backends';
import { images, insertRepair, startPhotoWorld, storedKeys, upload, type PhotoWorld } from './photos-fixtures';

const count = async (w: PhotoWorld) => Number(((await w.h.db.knex('repair_photos').count({ n: '*' }).first()) as { n: number }).n);

for (const backend of PHOTO_BACKENDS) {
  describe(`api: repair photos are stored whole or not at all (${backend} storage)`, function () {
    this.timeout(600_000); // the first s3 run installs moto
    let w: PhotoWorld;
    let jpeg: Buffer;
    let repair: number;

    before(async function () {
      const world = await startPhotoWorld(backend);
      if (!world) return this.skip();
      w = world;
      jpeg = await images.jpeg();
      repair = await insertRepair(w, { customerId: w.ids.fleetA, technicianId: w.ids.tech1, status: 'REQUESTED' });
    });
    afterEach(() => {
      if (w) Object.assign(w.faults, { failPutOf: undefined, failDeletes: false });
    });
    after(() => w?.close());

    it('a row insert that fails leaves no object behind', async () => {
      const keys = await storedKeys(w.storage);
      const rows = await count(w);
      await w.h.db.knex.raw(`
        create function fail_photo_insert() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$;
        create trigger fail_photo_insert before insert on repair_photos for each row execute function fail_photo_insert();`);
      try {
        const res = await upload(w, w.t.root, repair, { kind: 'DAMAGE', file: { data: jpeg } });
        assert.equal(res.status, 500);
      } finally {
        await w.h.db.knex.raw('drop trigger fail_photo_insert on repair_photos; drop function fail_photo_insert();');
      }
      assert.equal(await count(w), rows);
      assert.deepEqual(await storedKeys(w.storage), keys);
    });

    it('an object write that fails leaves no row, and takes the object written before it along', async () => {
      const keys = await storedKeys(w.storage);
      const rows = await count(w);
      w.faults.failPutOf = '.thumb.webp'; // the original is written, its thumbnail is not
      const res = await upload(w, w.t.root, repair, { kind: 'DAMAGE', file: { data: jpeg } });
      assert.ok(res.status >= 500, `${res.status}`);
      assert.equal(await count(w), rows);
      assert.deepEqual(await storedKeys(w.storage), keys);
    });

    it('deleting removes the row and both objects; objects a failed delete left are swept', async () => {
      const photo = (await upload(w, w.t.root, repair, { kind: 'AFTER', file: { data: jpeg } })).body;
      const row = await w.h.db.knex('repair_photos').where({ id: photo.id }).first();
      assert.ok((await storedKeys(w.storage)).includes(row.originalKey));
      assert.equal((await w.h.request('DELETE', `/api/repairs/${repair}/photos/${photo.id}`, { token: w.t.root })).status, 204);
      assert.equal(await w.h.db.knex('repair_photos').where({ id: photo.id }).first(), undefined);
      const left = await storedKeys(w.storage);
      assert.ok(!left.includes(row.originalKey) && !left.includes(row.thumbKey));

      const kept = (await upload(w, w.t.root, repair, { kind: 'AFTER', file: { data: jpeg } })).body;
      const doomed = (await upload(w, w.t.root, repair, { kind: 'AFTER', file: { data: jpeg } })).body;
      const doomedRow = await w.h.db.knex('repair_photos').where({ id: doomed.id }).first();
      w.faults.failDeletes = true; // as if the process died between the row and the objects
      assert.equal((await w.h.request('DELETE', `/api/repairs/${repair}/photos/${doomed.id}`, { token: w.t.root })).status, 204);
      assert.equal((await w.h.request('GET', doomed.url, { token: w.t.root })).status, 404);
      assert.ok((await storedKeys(w.storage)).includes(doomedRow.originalKey));
      w.faults.failDeletes = false;
      // A grace below zero: every unnamed object counts as old enough.
      const { deleted } = await sweepOrphanPhotos(w.h.deps, -60_000);
      assert.equal(deleted, 2);
      const after = await storedKeys(w.storage);
      assert.ok(!after.includes(doomedRow.originalKey) && !after.includes(doomedRow.thumbKey));
      assert.equal((await w.h.request('GET', kept.url, { token: w.t.root })).status, 200);
      // Young orphans are left for their upload to claim.
      await w.storage.put(`${repair}/young.jpg`, jpeg, 'image/jpeg');
      assert.equal((await sweepOrphanPhotos(w.h.deps)).deleted, 0);
      await w.storage.delete(`${repair}/young.jpg`);
    });

    it('refuses a file over PHOTO_MAX_MB as a 400 naming file, declared or streamed, storing nothing', async () => {
      const keys = await storedKeys(w.storage);
      const rows = await count(w);
      const big = Buffer.alloc(1024 * 1024 + 10, 0xff);
      const declared = await upload(w, w.t.root, repair, { kind: 'DAMAGE', file: { data: big } });
      assert.equal(declared.status, 400);
      assert.deepEqual(declared.body.error.fields, { file: 'is larger than the 1 MiB limit' });
      // Without a Content-Length (chunked): the parser stops at the limit.
      const form = new Response(
        (() => {
          const f = new FormData();
          f.set('kind', 'DAMAGE');
          f.set('file', new Blob([big], { type: 'image/jpeg' }), 'big.jpg');
          return f;
        })(),
      );
      const res = await fetch(`${w.h.api.url}/api/repairs/${repair}/photos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.t.root}`, 'content-type': form.headers.get('content-type') },
        body: form.body,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 400);
      assert.deepEqual(((await res.json()) as any).error.fields, { file: 'is larger than the 1 MiB limit' });
      assert.equal(await count(w), rows);
      assert.deepEqual(await storedKeys(w.storage), keys);
    });

    it('names each malformed field with a 400 and changes nothing; other media types are a 415', async () => {
      const rows = await count(w);
      const cases: [Parameters<typeof upload>[3], string[]][] = [
        [{ file: { data: jpeg } }, ['kind']],
        [{ kind: 'SIDE', file: { data: jpeg } }, ['kind']],
        [{ kind: 'DAMAGE' }, ['file']],
        [{ kind: 'DAMAGE', caption: 'x'.repeat(501), file: { data: jpeg } }, ['caption']],
        [{ kind: 'nope', caption: 'y'.repeat(501) }, ['caption', 'file', 'kind']],
        [{ kind: 'DAMAGE', file: { data: jpeg }, extraFile: { data: jpeg } }, ['file']],
        [{ kind: 'DAMAGE', file: { data: Buffer.alloc(0) } }, ['file']],
        [{ kind: 'DAMAGE', caption: 'chip\u0000', file: { data: jpeg } }, ['caption']],
      ];
      for (const [fields, named] of cases) {
        const res = await upload(w, w.t.root, repair, fields);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body.error.fields).sort(), named, JSON.stringify(res.body));
      }
      const json = await w.h.request('POST', `/api/repairs/${repair}/photos`, { token: w.t.root, body: { kind: 'DAMAGE' } });
      assert.equal(json.status, 415);
      const elsewhere = await fetch(`${w.h.api.url}/api/repairs/${repair}/submit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.t.root}` },
        body: new FormData(),
      });
      assert.equal(elsewhere.status, 415);
      assert.equal(await count(w), rows);
    });

    it('shows the photo count on the repair list and detail, and the thumbnails in the detail', async () => {
      const fresh = await insertRepair(w, { customerId: w.ids.fleetB, technicianId: null, status: 'REQUESTED' });
      const a = (await upload(w, w.t.bob, fresh, { kind: 'DAMAGE', file: { data: jpeg } })).body;
      const b = (await upload(w, w.t.root, fresh, { kind: 'BEFORE', file: { data: jpeg } })).body;
      const detail = await w.h.request('GET', `/api/repairs/${fresh}`, { token: w.t.bob });
      assert.equal(detail.body.photoCount, 2);
      assert.deepEqual(detail.body.photos, [
        { id: a.id, kind: 'DAMAGE', thumbUrl: a.thumbUrl },
        { id: b.id, kind: 'BEFORE', thumbUrl: b.thumbUrl },
      ]);
      const list = await w.h.request('GET', '/api/repairs', { token: w.t.root });
      const counts = Object.fromEntries(list.body.items.map((r: { id: number; photoCount: number }) => [r.id, r.photoCount]));
      assert.equal(counts[fresh], 2);
      assert.equal(
        counts[repair],
        await w.h.db
          .knex('repair_photos')
          .where({ repairId: repair })
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
      );
    });
  });
}
