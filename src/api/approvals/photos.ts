import type { Db } from '../../db';
import { listPhotos } from '../../db/queries/photos';
import { thumbUrl } from '../photos/present';
import { photoThumb } from '../photos/schema';

export { photoThumb };

/** The repair's photos as the repair detail lists them: the decision is judged by the damage they show. */
export async function approvalPhotos(db: Db, repairId: number): Promise<{ id: number; kind: string; thumbUrl: string }[]> {
  const photos = await listPhotos(db.knex, repairId);
  return photos.map((p) => ({ id: p.id, kind: p.kind, thumbUrl: thumbUrl(p) }));
}
