import assert from 'node:assert/strict';
import sharp from 'sharp';
import { eventually } from '../support/eventually';
import { PHOTO_BACKENDS } from '../support/photo-backends';
import {
  fetchImage,
  hasGpsIfd,
  images,
  insertRepair,
  readAll,
  startPhotoWorld,
  storedKeys,
  upload,
  type PhotoWorld,
  type UserName,
} from './photos-fixtures';

type Expect = Partial<Record<UserName | 'nobody', number>>;

for (const backend of PHOTO_BACKENDS) {
  describe(`api: repair photos (${backend} storage)`, function () {
    this.timeout(600_000); // the first s3 run installs moto
    let w: PhotoWorld;
    let jpeg: Buffer;
    /** REQUESTED, fleet A, assigned to tech-one (tech-two sees it: it is REQUESTED). */
    let requested: number;
    /** PENDING, fleet A, assigned to tech-one (tech-two cannot see it). */
    let pending: number;

    before(async function () {
      const world = await startPhotoWorld(backend);
      if (!world) return this.skip();
      w = world;
      jpeg = await images.jpeg();
      requested = await insertRepair(w, { customerId: w.ids.fleetA, technicianId: w.ids.tech1, status: 'REQUESTED' });
      pending = await insertRepair(w, { customerId: w.ids.fleetA, technicianId: w.ids.tech1, status: 'PENDING' });
    });
    after(() => w?.close());

    const token = (who: UserName | 'nobody') => (who === 'nobody' ? undefined : w.t[who]);
    const check = async (expect: Expect, call: (who: UserName | 'nobody') => Promise<{ status: number; body?: unknown }>) => {
      const got: Expect = {};
      for (const who of Object.keys(expect) as (keyof Expect)[]) got[who] = (await call(who)).status;
      assert.deepEqual(got, expect);
    };
    const add = async (who: UserName, repairId: number, kind = 'DAMAGE') => {
      const res = await upload(w, w.t[who], repairId, { kind, file: { data: jpeg } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: number; url: string; thumbUrl: string };
    };

    it('upload: the customer’s users while REQUESTED, the assigned technician and admins; others 403/404/401', async () => {
      const post = (repairId: number) => (who: UserName | 'nobody') =>
        upload(w, token(who), repairId, { kind: 'DAMAGE', file: { data: jpeg } });
      await check({ alice: 201, alan: 201, bob: 404, 'tech-one': 201, 'tech-two': 403, root: 201, nobody: 401 }, post(requested));
      await check({ alice: 409, alan: 409, bob: 404, 'tech-one': 201, 'tech-two': 404, root: 201, nobody: 401 }, post(pending));
    });

    it('list and fetch: whoever may see the repair; 404 for the rest', async () => {
      const photo = await add('tech-one', pending, 'BEFORE');
      const list = (repairId: number) => (who: UserName | 'nobody') =>
        w.h.request('GET', `/api/repairs/${repairId}/photos`, token(who) ? { token: token(who) as string } : {});
      const visible = { alice: 200, alan: 200, bob: 404, 'tech-one': 200, root: 200, nobody: 401 };
      await check({ ...visible, 'tech-two': 200 }, list(requested));
      await check({ ...visible, 'tech-two': 404 }, list(pending));
      for (const url of [photo.url, photo.thumbUrl]) {
        await check({ ...visible, 'tech-two': 404 }, (who) => fetchImage(w, token(who), url));
      }
      const listed = await w.h.request('GET', `/api/repairs/${pending}/photos`, { token: w.t.alice });
      const item = listed.body.items.find((p: { id: number }) => p.id === photo.id);
      assert.deepEqual(Object.keys(item).sort(), [
        'bytes',
        'caption',
        'contentType',
        'createdAt',
        'height',
        'id',
        'kind',
        'repairId',
        'thumbUrl',
        'url',
        'width',
      ]);
      assert.deepEqual([item.kind, item.repairId, item.caption, item.contentType], ['BEFORE', pending, null, 'image/jpeg']);

      const original = await fetchImage(w, w.t.alice, photo.url);
      assert.equal(original.type, 'image/jpeg');
      assert.equal(original.bytes.length, item.bytes);
      const thumb = await fetchImage(w, w.t.alice, photo.thumbUrl);
      assert.equal(thumb.type, 'image/webp');
      const meta = await sharp(thumb.bytes).metadata();
      assert.equal(Math.max(meta.width, meta.height), 320);
      // The id of a photo of another repair, or of none, is not found under this repair.
      assert.equal((await fetchImage(w, w.t.root, `/api/repairs/${requested}/photos/${photo.id}`)).status, 404);
      assert.equal((await fetchImage(w, w.t.root, `/api/repairs/${pending}/photos/2147483000`)).status, 404);
      assert.equal((await fetchImage(w, w.t.root, `${photo.url}?size=huge`)).status, 400);
    });

    it('delete: admins and the assigned technician any photo; a customer user only their own, while REQUESTED', async () => {
      const del = (repairId: number, photoId: number, who: UserName | 'nobody') =>
        w.h.request('DELETE', `/api/repairs/${repairId}/photos/${photoId}`, token(who) ? { token: token(who) as string } : {});
      const mine = await add('alice', requested);
      await check({ nobody: 401, bob: 404, alan: 403, 'tech-two': 403 }, (who) => del(requested, mine.id, who));
      assert.equal((await del(requested, mine.id, 'alice')).status, 204);
      assert.equal((await del(requested, mine.id, 'alice')).status, 404);
      for (const who of ['tech-one', 'root'] as const) {
        const photo = await add('alice', requested);
        assert.equal((await del(requested, photo.id, who)).status, 204);
      }
      const staff = await add('root', pending);
      await check({ alice: 403, 'tech-two': 404, bob: 404 }, (who) => del(pending, staff.id, who));
      assert.equal((await del(pending, staff.id, 'tech-one')).status, 204);
      // Her own photo, once staff have moved the repair on, is the repair's record.
      const before = await insertRepair(w, { customerId: w.ids.fleetA, technicianId: w.ids.tech1, status: 'REQUESTED' });
      const evidence = await add('alice', before);
      await w.h.db.models.Repair.query().findById(before).patch({ status: 'PENDING' });
      const refused = await del(before, evidence.id, 'alice');
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal((await fetchImage(w, w.t.alice, evidence.url)).status, 200);
    });

    it('through the workflow: the customer adds photos to her request until a technician submits it', async () => {
      const created = await w.h.request('POST', '/api/repairs', {
        token: w.t.alan,
        body: { unitNumber: 'FLOW-1', description: 'star break, passenger side' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as number;
      assert.equal((await upload(w, w.t.alan, id, { kind: 'DAMAGE', file: { data: jpeg } })).status, 201);
      const tech = await eventually(async () => {
        const r = await w.h.request('GET', `/api/repairs/${id}`, { token: w.t.root });
        return (r.body.technicianId as number | null) ?? undefined;
      }, 'assignment');
      const techToken = tech === w.ids.tech1 ? w.t['tech-one'] : w.t['tech-two'];
      assert.equal((await w.h.request('POST', `/api/repairs/${id}/submit`, { token: techToken, body: { estimatedCost: 40 } })).status, 200);
      const late = await upload(w, w.t.alan, id, { kind: 'DAMAGE', file: { data: jpeg } });
      assert.equal(late.status, 409, JSON.stringify(late.body));
      assert.equal((await upload(w, techToken, id, { kind: 'BEFORE', file: { data: jpeg } })).status, 201);
      assert.equal((await w.h.request('GET', `/api/repairs/${id}`, { token: w.t.alan })).body.photoCount, 2);
    });

    it('accepts JPEG, PNG and WebP by their content, whatever they are called', async () => {
      for (const [make, type] of [
        [images.png, 'image/png'],
        [images.webp, 'image/webp'],
        [images.jpeg, 'image/jpeg'],
      ] as const) {
        const res = await upload(w, w.t['tech-one'], pending, {
          kind: 'AFTER',
          caption: '  after  ',
          file: { data: await make(), filename: 'x.bin', type: 'application/octet-stream' },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.deepEqual([res.body.contentType, res.body.caption, res.body.kind], [type, 'after', 'AFTER']);
        assert.equal((await fetchImage(w, w.t.root, res.body.url)).type, type);
      }
    });

    it('refuses what is not such an image, as a 400 naming file, storing nothing', async () => {
      const before = await w.h.db.knex('repair_photos').count({ n: '*' }).first();
      const keys = (await storedKeys(w.storage)).length;
      const bad: Buffer[] = [
        Buffer.from('just some text, not a photo\n'),
        Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'),
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
        jpeg.subarray(0, 200), // a JPEG's start, the rest missing
      ];
      for (const data of bad) {
        const res = await upload(w, w.t.root, pending, { kind: 'DAMAGE', file: { data, filename: 'damage.jpg', type: 'image/jpeg' } });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body.error.fields), ['file']);
      }
      assert.deepEqual(await w.h.db.knex('repair_photos').count({ n: '*' }).first(), before);
      assert.equal((await storedKeys(w.storage)).length, keys);
    });

    it('stores the original without its EXIF (no GPS), turned upright, and its thumbnail once', async () => {
      const camera = await images.jpegWithGps(640, 480);
      const input = await sharp(camera).metadata();
      assert.ok(hasGpsIfd(input.exif) && input.orientation === 6, 'the test image carries GPS and an orientation');
      const res = await upload(w, w.t['tech-one'], pending, { kind: 'DAMAGE', file: { data: camera } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual([res.body.width, res.body.height], [480, 640]);
      const row = await w.h.db.knex('repair_photos').where({ id: res.body.id }).first();
      const stored = await readAll((await w.storage.get(row.originalKey))!.body);
      const meta = await sharp(stored).metadata();
      assert.equal(meta.exif, undefined);
      assert.equal(meta.orientation, undefined);
      assert.deepEqual([meta.width, meta.height], [480, 640]);
      assert.ok(!stored.includes(Buffer.from('FieldCam')) && !stored.includes(Buffer.from('Exif\0\0')));
      assert.ok((await fetchImage(w, w.t.root, res.body.url)).bytes.equals(stored));
      const thumb = await sharp(await readAll((await w.storage.get(row.thumbKey))!.body)).metadata();
      assert.deepEqual([thumb.format, thumb.width, thumb.height, thumb.exif], ['webp', 240, 320, undefined]);
    });
  });
}
