import path from 'node:path';
import type { Config } from '../config';
import { localPhotoStorage } from './local';
import { s3PhotoStorage, type S3PhotoOptions } from './s3';
import type { PhotoStorage } from './types';

export type { PhotoStorage } from './types';

/** The configured photo storage (config.ts has already required a bucket and a region for `s3`). */
export function createPhotoStorage(config: Config, opts: { credentials?: S3PhotoOptions['credentials'] } = {}): PhotoStorage {
  const { photos } = config;
  if (photos.storage === 'local') return localPhotoStorage(path.join(config.dataDir, 'photos'));
  return s3PhotoStorage({
    region: config.aws.region as string,
    bucket: photos.s3.bucket as string,
    prefix: photos.s3.prefix,
    ...(photos.s3.endpoint ? { endpoint: photos.s3.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
}
