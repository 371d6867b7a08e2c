import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db';
import { deletePhotoRow, findPhoto, insertPhoto, ownedKeys, type PhotoRow } from '../db/queries/photos';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import { judgePhotoDelete, judgePhotoUpload, type PhotoKind, type PhotoVerdict } from '../domain/photos';
import type { RepairStatus, Viewer } from '../domain/repair';
import type { Logger } from '../logger';
import type { PhotoStorage } from '../storage';
import { prepareImage } from './photo-images';
import { announce, repairActivity } from '../db/queries/live-events';

export interface PhotoDeps {
  db: Db;
  photoStorage: PhotoStorage;
  logger: Logger;
}

export type PhotoActor = Viewer & { userId: number };

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

function enforce(verdict: PhotoVerdict, what: 'add' | 'delete'): void {
  if (verdict === 'forbidden') throw new ForbiddenError(`You may not ${what} photos of this repair`);
  if (verdict === 'closed') {
    throw new ConflictError(`A customer may ${what} photos only while the repair is REQUESTED`);
  }
}

/**
 * The repair as it is now, held (FOR SHARE) until the transaction ends: a move that would change
 * who may add photos (submit, reassign) waits for this insert or delete instead of racing it.
 */
type LockedRepair = { id: number; customerId: number; technicianId: number | null; status: RepairStatus };

async function lockRepair(trx: Knex.Transaction, repairId: number): Promise<LockedRepair> {
  const repair: LockedRepair | undefined = await trx('repairs')
    .where({ id: repairId })
    .forShare()
    .first('id', 'customerId', 'technicianId', 'status');
  if (!repair) throw new NotFoundError('Repair');
  return repair;
}

/**
 * Adds a photo so that it is stored whole or not at all. The objects are written first, under keys
 * no row has ever named; only then is the row inserted, in a transaction that re-checks the
 * permission against the locked repair. If anything fails after the first write, both keys are
 * deleted (deleting what was never written succeeds). A crash before that cleanup leaves objects no
 * row names, invisible to every reader, which `sweepOrphanPhotos` removes. So a row, once there,
 * always has its objects.
 */
export async function addPhoto(
  deps: PhotoDeps,
  actor: PhotoActor,
  repairId: number,
  input: { kind: PhotoKind; caption?: string | undefined; data: Buffer },
): Promise<PhotoRow> {
  const image = await prepareImage(input.data);
  const base = `${repairId}/${randomUUID()}`;
  const originalKey = `${base}.${EXTENSIONS[image.original.contentType] ?? 'bin'}`;
  const thumbKey = `${base}.thumb.webp`;
  try {
    await deps.photoStorage.put(originalKey, image.original.body, image.original.contentType);
    await deps.photoStorage.put(thumbKey, image.thumb.body, image.thumb.contentType);
    return await deps.db.knex.transaction(async (trx) => {
      const repair = await lockRepair(trx, repairId);
      enforce(judgePhotoUpload(actor, repair), 'add');
      const row = await insertPhoto(trx, {
        repairId,
        kind: input.kind,
        caption: input.caption ?? null,
        contentType: image.original.contentType,
        width: image.original.width,
        height: image.original.height,
        bytes: image.original.body.length,
        originalKey,
        thumbKey,
        thumbContentType: image.thumb.contentType,
        uploadedBy: actor.userId,
      });
      await announce(trx, [repairActivity(repair, { photoId: row.id, photo: 'added' })]);
      return row;
    });
  } catch (err) {
    await removeObjects(deps, [originalKey, thumbKey]);
    throw err;
  }
}

/**
 * Deletes a photo: the row first, then its objects. Once the row is gone no reader can reach the
 * objects, so a failure or crash after it leaves only unnamed objects for the sweep; the other
 * order could leave a row whose image is gone. Two deletes at once: one removes the row, the
 * other finds none (404).
 */
export async function removePhoto(deps: PhotoDeps, actor: PhotoActor, repairId: number, photoId: number): Promise<void> {
  const row = await deps.db.knex.transaction(async (trx) => {
    const repair = await lockRepair(trx, repairId);
    const photo = await findPhoto(trx, repairId, photoId);
    if (!photo) throw new NotFoundError('Photo');
    enforce(judgePhotoDelete(actor, repair, photo), 'delete');
    const deleted = await deletePhotoRow(trx, repairId, photoId);
    if (deleted) await announce(trx, [repairActivity(repair, { photoId, photo: 'removed' })]);
    return deleted;
  });
  if (!row) throw new NotFoundError('Photo');
  await removeObjects(deps, [row.originalKey, row.thumbKey]);
}

async function removeObjects(deps: PhotoDeps, keys: string[]): Promise<void> {
  const results = await Promise.allSettled(keys.map((key) => deps.photoStorage.delete(key)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ key: keys[i], err: r.reason as unknown }] : []));
  if (failed.length) deps.logger.warn({ failed }, 'photo objects not deleted; the orphan sweep will remove them');
}

/** Objects younger than this are left alone: their upload may still be about to insert its row. */
export const ORPHAN_GRACE_MS = 60 * 60_000;

/**
 * Deletes stored objects that no row names and that were written more than `graceMs` ago: those
 * of uploads or deletes cut off by a crash, and of repairs deleted with their photos. Safe to run
 * in several processes at once (deletes are idempotent).
 */
export async function sweepOrphanPhotos(deps: PhotoDeps, graceMs = ORPHAN_GRACE_MS): Promise<{ deleted: number }> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    const owned = await ownedKeys(deps.db.knex, batch);
    const orphans = batch.filter((key) => !owned.has(key));
    await Promise.all(orphans.map((key) => deps.photoStorage.delete(key)));
    deleted += orphans.length;
    batch = [];
  };
  for await (const key of deps.photoStorage.list(new Date(Date.now() - graceMs))) {
    batch.push(key);
    if (batch.length >= 500) await flush();
  }
  if (batch.length) await flush();
  return { deleted };
}
