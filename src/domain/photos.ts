import type { RepairStatus, Viewer } from './repair';

export const PHOTO_KINDS = ['DAMAGE', 'BEFORE', 'AFTER'] as const;
export type PhotoKind = (typeof PHOTO_KINDS)[number];
export const PHOTO_CAPTION_MAX = 500;

/** The formats a photo may be in, judged by decoding it (sharp's names → what we store and serve). */
export const PHOTO_FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/**
 * `closed`: the caller may act on this repair's photos, but not in its current status (409);
 * `forbidden`: not this caller (403). Whether the caller may see the repair at all is decided
 * before (404).
 */
export type PhotoVerdict = 'ok' | 'forbidden' | 'closed';

type PhotoRepair = { technicianId: number | null; status: RepairStatus };

/**
 * SPEC: the assigned technician and admins add photos in any status (AFTER photos come at the end);
 * the customer's users only while the repair is REQUESTED, before staff have looked at it.
 */
export function judgePhotoUpload(viewer: Viewer, repair: PhotoRepair): PhotoVerdict {
  if (viewer.role === 'admin') return 'ok';
  if (viewer.role === 'technician') return viewer.technicianId !== null && repair.technicianId === viewer.technicianId ? 'ok' : 'forbidden';
  return repair.status === 'REQUESTED' ? 'ok' : 'closed';
}

/**
 * Deleting: admins and the assigned technician any photo of the repair; a customer user only a
 * photo they uploaded, and only while the repair is REQUESTED: once staff have priced or approved
 * the repair on its photos, those photos are its record.
 */
export function judgePhotoDelete(
  viewer: Viewer & { userId: number },
  repair: PhotoRepair,
  photo: { uploadedBy: number | null },
): PhotoVerdict {
  if (viewer.role !== 'customer') return judgePhotoUpload(viewer, repair);
  if (photo.uploadedBy !== viewer.userId) return 'forbidden';
  return repair.status === 'REQUESTED' ? 'ok' : 'closed';
}
