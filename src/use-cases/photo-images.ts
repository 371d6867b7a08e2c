import sharp from 'sharp';
import { ValidationError } from '../domain/errors';
import { PHOTO_FORMATS } from '../domain/photos';

type Format = keyof typeof PHOTO_FORMATS;

/** Phone cameras take 12-50 MP; past this a small file could still decode to gigabytes of pixels. */
export const MAX_PIXELS = 64_000_000;
/** The longest side of a thumbnail, in pixels. */
export const THUMB_SIZE = 320;
export const THUMB_CONTENT_TYPE = 'image/webp';

export interface PreparedImage {
  original: { body: Buffer; contentType: string; width: number; height: number };
  thumb: { body: Buffer; contentType: string };
}

const NOT_AN_IMAGE = 'is not a JPEG, PNG or WebP image';

/**
 * The format by its leading bytes, before libvips sees the data: only these three decoders are
 * ever run on a client's bytes (libvips would otherwise also parse SVG, PDF, TIFF, HEIF…).
 */
function sniff(data: Buffer): Format | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/**
 * Decodes the upload and writes it anew: the original in its own format with the camera's
 * orientation applied and every metadata block (EXIF with GPS, XMP, IPTC, comments) left behind,
 * since sharp writes none unless asked; and a WebP thumbnail. A file that does not decode
 * completely is the client's mistake (400 naming `file`), whatever its name or declared type.
 */
export async function prepareImage(data: Buffer): Promise<PreparedImage> {
  const format = sniff(data);
  if (!format) throw new ValidationError({ file: NOT_AN_IMAGE }, 'The file is not an image we accept');
  // failOn 'error': truncated or corrupt data fails; a camera's harmless quirks (warnings) do not.
  const input = () => sharp(data, { failOn: 'error', limitInputPixels: MAX_PIXELS, sequentialRead: true }).rotate();
  try {
    const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata();
    if (meta.format !== format) throw new ValidationError({ file: NOT_AN_IMAGE }, 'The file is not an image we accept');
    const encoder = input();
    if (format === 'jpeg') encoder.jpeg({ quality: 88 });
    else if (format === 'png') encoder.png();
    else encoder.webp({ quality: 88 });
    const [original, thumb] = await Promise.all([
      encoder.toBuffer({ resolveWithObject: true }),
      input().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer(),
    ]);
    return {
      original: { body: original.data, contentType: PHOTO_FORMATS[format], width: original.info.width, height: original.info.height },
      thumb: { body: thumb, contentType: THUMB_CONTENT_TYPE },
    };
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const why =
      err instanceof Error && /pixel limit/i.test(err.message) ? `has more than ${MAX_PIXELS / 1_000_000} megapixels` : NOT_AN_IMAGE;
    throw new ValidationError({ file: why }, 'The file is not an image we accept');
  }
}
