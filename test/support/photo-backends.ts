import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureMoto, startMoto, type MotoServer } from './moto';

export const PHOTO_BACKENDS = ['local', 's3'] as const;
export type PhotoBackend = (typeof PHOTO_BACKENDS)[number];

const REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
let bucketCounter = 0;

export interface BackendEnv {
  /** The config variables that select this backend (for loadConfig / startHarness). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A fresh place for photos: a temporary DATA_DIR for `local`; for `s3` a new bucket on a moto
 * server of its own. Null (with the reason printed) only when moto cannot be installed because
 * PyPI is out of reach; the caller skips its suite then.
 */
export async function photoBackend(backend: PhotoBackend): Promise<BackendEnv | null> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-photos-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (backend === 'local') return { env: { DATA_DIR: dataDir, PHOTO_STORAGE: 'local' }, stop: removeDir };

  const moto = await ensureMoto();
  if ('unavailable' in moto) {
    console.warn(`      skipping the s3 photo suite: ${moto.unavailable}`);
    await removeDir();
    return null;
  }
  const server: MotoServer = await startMoto(moto.python);
  const bucket = `photos-${process.pid}-${++bucketCounter}`;
  const client = new S3Client({ region: REGION, endpoint: server.endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    env: {
      DATA_DIR: dataDir,
      PHOTO_STORAGE: 's3',
      PHOTO_S3_BUCKET: bucket,
      PHOTO_S3_PREFIX: 'test-photos/',
      AWS_REGION: REGION,
      S3_ENDPOINT_URL: server.endpoint,
    },
    async stop() {
      await server.stop();
      await removeDir();
    },
  };
}
