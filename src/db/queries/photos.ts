import type { Knex } from 'knex';
import type { PhotoKind } from '../../domain/photos';

export interface PhotoRow {
  id: number;
  repairId: number;
  kind: PhotoKind;
  caption: string | null;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  originalKey: string;
  thumbKey: string;
  thumbContentType: string;
  uploadedBy: number | null;
  createdAt: Date;
}

export type NewPhotoRow = Omit<PhotoRow, 'id' | 'createdAt'>;

const TABLE = 'repair_photos';

export async function insertPhoto(knex: Knex | Knex.Transaction, row: NewPhotoRow): Promise<PhotoRow> {
  const [inserted] = (await knex(TABLE).insert(row).returning('*')) as PhotoRow[];
  return inserted as PhotoRow;
}

export async function listPhotos(knex: Knex, repairId: number): Promise<PhotoRow[]> {
  return (await knex(TABLE).where({ repairId }).orderBy('id')) as PhotoRow[];
}

export async function findPhoto(knex: Knex | Knex.Transaction, repairId: number, photoId: number): Promise<PhotoRow | undefined> {
  return (await knex(TABLE).where({ repairId, id: photoId }).first()) as PhotoRow | undefined;
}

/** The deleted row, or undefined when it was already gone (a concurrent delete won). */
export async function deletePhotoRow(knex: Knex, repairId: number, photoId: number): Promise<PhotoRow | undefined> {
  const [row] = (await knex(TABLE).where({ repairId, id: photoId }).del().returning('*')) as PhotoRow[];
  return row;
}

/** Photo counts of the given repairs (absent = 0), one grouped query on (repair_id, id). */
export async function photoCounts(knex: Knex, repairIds: readonly number[]): Promise<Map<number, number>> {
  if (!repairIds.length) return new Map();
  const rows: { repairId: number; n: number }[] = await knex(TABLE)
    .whereIn('repairId', repairIds)
    .groupBy('repairId')
    .select('repairId')
    .count({ n: '*' });
  return new Map(rows.map((r) => [r.repairId, r.n]));
}

/** Of the given object keys, those some row still owns (the orphan sweep keeps these). */
export async function ownedKeys(knex: Knex, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows: Pick<PhotoRow, 'originalKey' | 'thumbKey'>[] = await knex(TABLE)
    .whereIn('originalKey', keys)
    .orWhereIn('thumbKey', keys)
    .select('originalKey', 'thumbKey');
  return new Set(rows.flatMap((r) => [r.originalKey, r.thumbKey]));
}
