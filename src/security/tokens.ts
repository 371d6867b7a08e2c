import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '../domain/roles';

/** Signed (HS256), expiring bearer tokens. The token carries only the user id; roles are re-read per request. */
export interface TokenService {
  issue(userId: number, role: Role): Promise<{ token: string; expiresAt: Date }>;
  /** Returns the user id, or null for a token that is malformed, tampered with or expired. */
  verify(token: string): Promise<number | null>;
}

const ISSUER = 'rsystems';

export function createTokenService(secret: string, ttlMs: number, now: () => number = Date.now): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(userId, role) {
      const issuedAt = Math.floor(now() / 1000);
      const exp = issuedAt + Math.max(1, Math.round(ttlMs / 1000));
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setIssuedAt(issuedAt)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          currentDate: new Date(now()),
        });
        const id = Number(payload.sub);
        return Number.isSafeInteger(id) && id > 0 ? id : null;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}
