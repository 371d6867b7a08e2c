import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';

/**
 * The token-signing secret. Production sets AUTH_TOKEN_SECRET (config refuses to start without it);
 * development keeps a random one in the data folder so logins survive restarts.
 */
export async function resolveTokenSecret(config: Config): Promise<string> {
  if (config.auth.tokenSecret) return config.auth.tokenSecret;
  const file = path.join(config.dataDir, 'token-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}
