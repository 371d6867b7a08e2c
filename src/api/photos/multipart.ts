import { Busboy, type BusboyHeaders } from '@fastify/busboy';
import type { Context } from 'koa';
import { validationFailed, type ApiError } from '../errors';

export interface PhotoForm {
  file: { data: Buffer; filename: string; mimeType: string } | null;
  fields: Record<string, string>;
}

/** Room for the boundaries, part headers and the small fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const FIELD_MAX_BYTES = 4096;

/**
 * Reads a multipart/form-data body with one file part named `file`, holding at most `maxBytes` of
 * it in memory. At the first sign of too much (a declared length, the file passing the limit, a
 * second file, an over-long field) it stops reading and the request fails with 400 naming the
 * part; the connection is closed rather than drained, so an oversized upload costs no more than
 * the limit. The bytes are only collected here: what they are is judged by decoding them.
 */
export function readPhotoForm(ctx: Context, maxBytes: number): Promise<PhotoForm> {
  const mib = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  const tooLarge = () => validationFailed({ file: `is larger than the ${mib} MiB limit` }, 'The photo is too large');
  const declared = Number(ctx.get('content-length'));
  if (declared > maxBytes + FORM_OVERHEAD_BYTES) {
    ctx.set('Connection', 'close');
    return Promise.reject(tooLarge());
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: ctx.req.headers as BusboyHeaders,
      limits: { files: 1, fileSize: maxBytes, fields: 8, parts: 9, fieldSize: FIELD_MAX_BYTES, fieldNameSize: 100, headerPairs: 20 },
    });
  } catch {
    return Promise.reject(validationFailed({ body: 'must be multipart/form-data with a boundary' }));
  }
  const req = ctx.req;
  return new Promise<PhotoForm>((resolve, reject) => {
    let settled = false;
    const fields: Record<string, string> = {};
    let file: PhotoForm['file'] = null;
    const fail = (err: ApiError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      ctx.set('Connection', 'close');
      reject(err);
    };
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      if (name !== 'file') {
        stream.resume();
        fail(validationFailed({ [name]: 'is a file; only `file` may be' }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge()));
      stream.on('end', () => {
        if (!stream.truncated) file = { data: Buffer.concat(chunks, size), filename, mimeType };
      });
    });
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (nameTruncated || valueTruncated) fail(validationFailed({ [name]: `is longer than ${FIELD_MAX_BYTES} bytes` }));
      else fields[name] = value;
    });
    parser.on('filesLimit', () => fail(validationFailed({ file: 'may be sent once' })));
    parser.on('fieldsLimit', () => fail(validationFailed({ body: 'has too many fields' })));
    parser.on('partsLimit', () => fail(validationFailed({ body: 'has too many parts' })));
    parser.on('error', () => fail(validationFailed({ body: 'is not valid multipart/form-data' })));
    parser.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve({ file, fields });
    });
    // A client that goes away mid-upload: nobody reads the answer, but the handler must not hang.
    req.on('close', () => {
      if (!req.complete) fail(validationFailed({ body: 'ended before it was complete' }));
    });
    req.pipe(parser);
  });
}
