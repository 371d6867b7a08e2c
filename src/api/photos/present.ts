import type { Db } from '../../db';
import type { Repair } from '../../db/models';
import { listPhotos, photoCounts, type PhotoRow } from '../../db/queries/photos';
import type { RepairRecord } from '../../domain/repair';

export interface PhotoRecord {
  id: number;
  repairId: number;
  kind: PhotoRow['kind'];
  caption: string | null;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  createdAt: string;
  url: string;
  thumbUrl: string;
}

// Relative, like every path in the API: a client resolves them against the API's own address.
export const photoUrl = (p: Pick<PhotoRow, 'id' | 'repairId'>): string => `/api/repairs/${p.repairId}/photos/${p.id}`;
export const thumbUrl = (p: Pick<PhotoRow, 'id' | 'repairId'>): string => `${photoUrl(p)}?size=thumb`;

export function presentPhoto(p: PhotoRow): PhotoRecord {
  return {
    id: p.id,
    repairId: p.repairId,
    kind: p.kind,
    caption: p.caption,
    contentType: p.contentType,
    width: p.width,
    height: p.height,
    bytes: p.bytes,
    createdAt: p.createdAt.toISOString(),
    url: photoUrl(p),
    thumbUrl: thumbUrl(p),
  };
}

/** The repair detail: the record plus its photos as thumbnails. */
export async function presentRepairDetail(
  db: Db,
  repair: Repair,
): Promise<RepairRecord & { photoCount: number; photos: { id: number; kind: PhotoRow['kind']; thumbUrl: string }[] }> {
  const photos = await listPhotos(db.knex, repair.id);
  return {
    ...repair.toRecord(),
    photoCount: photos.length,
    photos: photos.map((p) => ({ id: p.id, kind: p.kind, thumbUrl: thumbUrl(p) })),
  };
}

/** The photo count of each listed repair, in one query for the page. */
export async function photoCountsOf(db: Db, repairs: readonly { id: number }[]): Promise<(id: number) => number> {
  const counts = await photoCounts(
    db.knex,
    repairs.map((r) => r.id),
  );
  return (id) => counts.get(id) ?? 0;
}
