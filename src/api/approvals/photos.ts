import type { Context } from 'koa';
import type { Db } from '../../db';
import { findPhoto, listPhotos } from '../../db/queries/photos';
import type { PhotoStorage } from '../../storage/types';
import { notFound } from '../errors';
import { photoThumb } from '../photos/schema';

export { photoThumb };

/**
 * The repair's photos as the link shows them: the decision is judged by the damage they show. The
 * thumbnails are served under the link itself, since whoever opens it has no login.
 */
export async function approvalPhotos(db: Db, repairId: number, token: string): Promise<{ id: number; kind: string; thumbUrl: string }[]> {
  const photos = await listPhotos(db.knex, repairId);
  return photos.map((p) => ({ id: p.id, kind: p.kind, thumbUrl: `/api/approvals/${token}/photos/${p.id}` }));
}

/** A thumbnail of the link's repair, streamed like the repair's own photo route does it. */
export async function sendApprovalThumb(db: Db, storage: PhotoStorage, ctx: Context, repairId: number, photoId: number): Promise<unknown> {
  const photo = await findPhoto(db.knex, repairId, photoId);
  const object = photo && (await storage.get(photo.thumbKey));
  if (!photo || !object) throw notFound('Photo');
  ctx.type = photo.thumbContentType;
  ctx.length = object.bytes;
  // The link is a secret in the URL: no shared cache may keep what it opens.
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  return object.body;
}
