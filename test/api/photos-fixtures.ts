import sharp from 'sharp';
import type { Readable } from 'node:stream';
import type { RepairStatus } from '../../src/domain/repair';
import type { PhotoStorage } from '../../src/storage';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { photoBackend, type PhotoBackend, type BackendEnv } from '../support/photo-backends';

export const USERS = ['alice', 'alan', 'bob', 'tech-one', 'tech-two', 'root'] as const;
export type UserName = (typeof USERS)[number];

/** Switches a test flips to make the storage fail, in front of the real one. */
export interface StorageFaults {
  /** Throw on the put of a key ending with this (e.g. '.thumb.webp'). */
  failPutOf?: string;
  failDeletes?: boolean;
}

export interface PhotoWorld {
  h: Harness;
  where: BackendEnv;
  t: Record<UserName, string>;
  ids: { fleetA: number; fleetB: number; tech1: number; tech2: number; alice: number };
  /** The storage behind the faults. */
  storage: PhotoStorage;
  faults: StorageFaults;
  close(): Promise<void>;
}

/**
 * A harness on the given backend: fleet A's customers alice and alan, fleet B's bob, two
 * technicians and an admin. Null when the backend cannot be had here (see photoBackend).
 */
export async function startPhotoWorld(backend: PhotoBackend, env: Record<string, string> = {}): Promise<PhotoWorld | null> {
  const where = await photoBackend(backend);
  if (!where) return null;
  const faults: StorageFaults = {};
  let real: PhotoStorage | undefined;
  const h = await startHarness(
    { ...where.env, PHOTO_MAX_MB: '1', ...env },
    {
      wrapPhotoStorage: (storage) => {
        real = storage;
        return {
          kind: storage.kind,
          put: async (key, body, type) => {
            if (faults.failPutOf && key.endsWith(faults.failPutOf)) throw new Error('injected: the storage refused the write');
            return storage.put(key, body, type);
          },
          get: (key) => storage.get(key),
          delete: async (key) => {
            if (faults.failDeletes) throw new Error('injected: the storage refused the delete');
            return storage.delete(key);
          },
          list: (before) => storage.list(before),
        };
      },
    },
  );
  const fleetA = await insertCustomer(h.db, 'Fleet A');
  const fleetB = await insertCustomer(h.db, 'Fleet B');
  const alice = (await insertUser(h.db, 'alice', 'customer', { customerId: fleetA })).userId;
  await insertUser(h.db, 'alan', 'customer', { customerId: fleetA });
  await insertUser(h.db, 'bob', 'customer', { customerId: fleetB });
  const tech1 = (await insertUser(h.db, 'tech-one', 'technician')).technicianId as number;
  const tech2 = (await insertUser(h.db, 'tech-two', 'technician')).technicianId as number;
  await insertUser(h.db, 'root', 'admin');
  const t = {} as Record<UserName, string>;
  for (const name of USERS) t[name] = await h.login(name, PASSWORD);
  return {
    h,
    where,
    t,
    ids: { fleetA, fleetB, tech1, tech2, alice },
    storage: real as PhotoStorage,
    faults,
    async close() {
      await h.close();
      await where.stop();
    },
  };
}

let repairCounter = 0;

/**
 * A repair row in a given status and assignment, straight into the database: the photo routes
 * read only the row (who may see it, its status), so these suites need no workflow per repair.
 */
export async function insertRepair(
  w: PhotoWorld,
  opts: { customerId: number; technicianId: number | null; status: RepairStatus },
): Promise<number> {
  const n = ++repairCounter;
  const repair = await w.h.db.models.Repair.query().insert({
    ...opts,
    unitNumber: `P-${n}`,
    description: 'photo suite repair',
    workflowId: `photo-suite-${process.pid}-${n}-${Date.now()}`,
    createdByUserId: w.ids.alice,
  });
  return repair.id;
}

export interface Part {
  data: Buffer;
  filename?: string;
  type?: string;
}

/** POST …/photos as multipart/form-data, the way a browser's FormData sends it. */
export async function upload(
  w: PhotoWorld,
  token: string | undefined,
  repairId: number,
  fields: { kind?: string; caption?: string; file?: Part; extraFile?: Part },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (fields.kind !== undefined) form.set('kind', fields.kind);
  if (fields.caption !== undefined) form.set('caption', fields.caption);
  for (const [name, part] of [
    ['file', fields.file],
    ['file', fields.extraFile],
  ] as const) {
    if (part) form.append(name, new Blob([part.data], { type: part.type ?? 'image/jpeg' }), part.filename ?? 'photo.jpg');
  }
  const res = await fetch(`${w.h.api.url}/api/repairs/${repairId}/photos`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

/** GET of a photo's bytes (or its error). */
export async function fetchImage(w: PhotoWorld, token: string | undefined, url: string) {
  const res = await fetch(`${w.h.api.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every key in the storage now. */
export async function storedKeys(storage: PhotoStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.list(new Date(Date.now() + 60_000))) keys.push(key);
  return keys.sort();
}

const canvas = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3a6ea5', noise: { type: 'gaussian', mean: 120, sigma: 40 } } });

export const images = {
  jpeg: (width = 640, height = 480) => canvas(width, height).jpeg().toBuffer(),
  png: (width = 300, height = 200) => canvas(width, height).png().toBuffer(),
  webp: (width = 400, height = 300) => canvas(width, height).webp().toBuffer(),
  /** A camera's JPEG: EXIF with a GPS position and orientation 6 (to be turned 90° on display). */
  jpegWithGps: (width = 640, height = 480) =>
    canvas(width, height)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'FieldCam', Model: 'X1' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 52/1 3/1', GPSLongitudeRef: 'W', GPSLongitude: '87/1 37/1 40/1' },
      })
      .toBuffer(),
};

/** Whether an EXIF block carries a GPS IFD (the pointer tag 0x8825, in either byte order). */
export const hasGpsIfd = (exif: Buffer | undefined): boolean =>
  !!exif && (exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25])));
