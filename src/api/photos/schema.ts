import { z } from 'zod';
import { recordIdText } from '../../domain/ids';
import { PHOTO_CAPTION_MAX, PHOTO_KINDS } from '../../domain/photos';

export const photoSchema = z.object({
  id: z.number().int(),
  repairId: z.number().int(),
  kind: z.enum(PHOTO_KINDS),
  caption: z.string().nullable(),
  contentType: z.string().describe('of the stored original: image/jpeg, image/png or image/webp'),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int().describe('size of the stored (re-encoded, metadata-free) original'),
  createdAt: z.iso.datetime(),
  url: z.string().describe('GET it with the same bearer token'),
  thumbUrl: z.string(),
});

/** What the repair detail carries of each photo. */
export const photoThumb = photoSchema.pick({ id: true, kind: true, thumbUrl: true });

export const photoParams = z.object({ id: recordIdText, photoId: recordIdText });

export const photoQuery = z.object({
  size: z.enum(['original', 'thumb'], { error: 'must be original or thumb' }).default('original'),
});

/**
 * The multipart fields besides `file`, validated once the stream is read. `file` is documented
 * here only: its bytes are judged by decoding them (src/use-cases/photos.ts).
 */
export const uploadFields = z.object({
  kind: z.enum(PHOTO_KINDS, { error: `must be one of ${PHOTO_KINDS.join(', ')}` }),
  caption: z
    .string()
    .trim()
    .max(PHOTO_CAPTION_MAX, `must be at most ${PHOTO_CAPTION_MAX} characters`)
    // Multipart fields escape the router's NUL check on JSON bodies; PostgreSQL text cannot hold one.
    .refine((v) => !v.includes('\u0000'), 'must not contain a NUL character')
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export const uploadBody = uploadFields.extend({
  file: z.string().meta({ format: 'binary', description: 'a JPEG, PNG or WebP image (checked by decoding it)' }),
});
