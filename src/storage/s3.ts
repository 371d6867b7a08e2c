import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { assertKey, type PhotoStorage } from './types';

export interface S3PhotoOptions {
  region: string;
  bucket: string;
  /** Prepended to every key, e.g. `repair-photos/`. */
  prefix: string;
  /** An S3-compatible endpoint (an emulator, MinIO): addressed path-style, as those expect. */
  endpoint?: string;
  /** Static keys; when absent the SDK's default chain (env, profile, container/instance role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Photos as objects in one bucket; S3's PUT is all-or-nothing, so a reader never sees half an object. */
export function s3PhotoStorage(opts: S3PhotoOptions): PhotoStorage & { client: S3Client } {
  const client = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const Bucket = opts.bucket;
  const objectKey = (key: string) => {
    assertKey(key);
    return `${opts.prefix}${key}`;
  };
  return {
    kind: 's3',
    client,
    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket, Key: objectKey(key), Body: body, ContentType: contentType, ContentLength: body.length }),
      );
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        return { body: out.Body as Readable, bytes: out.ContentLength ?? 0 };
      } catch (err) {
        if (err instanceof NoSuchKey) return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async *list(before) {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: opts.prefix, ContinuationToken }));
        for (const o of page.Contents ?? []) {
          if (o.Key && o.LastModified && o.LastModified < before) yield o.Key.slice(opts.prefix.length);
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
  };
}
