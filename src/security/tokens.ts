import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '../domain/roles';

/** Who a verified token speaks for, and under which of their session versions it was issued. */
export interface TokenClaims {
  userId: number;
  sessionVersion: number;
}

/**
 * Signed (HS256), expiring bearer tokens. A token carries the user id and the user's session
 * version; roles are re-read per request, and a token whose version is no longer the user's is
 * refused, which is how every session of a user is ended at once.
 */
export interface TokenService {
  issue(userId: number, role: Role, sessionVersion: number): Promise<{ token: string; expiresAt: Date }>;
  /** Returns the claims, or null for a token that is malformed, tampered with or expired. */
  verify(token: string): Promise<TokenClaims | null>;
}

const ISSUER = 'rsystems';

export function createTokenService(secret: string, ttlMs: number, now: () => number = Date.now): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(userId, role, sessionVersion) {
      const issuedAt = Math.floor(now() / 1000);
      const exp = issuedAt + Math.max(1, Math.round(ttlMs / 1000));
      const token = await new SignJWT({ role, sv: sessionVersion })
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
        const userId = Number(payload.sub);
        const sessionVersion = payload.sv;
        if (!Number.isSafeInteger(userId) || userId <= 0) return null;
        // A token without a version predates session versions: it is refused, never taken as version 0.
        if (typeof sessionVersion !== 'number' || !Number.isSafeInteger(sessionVersion) || sessionVersion < 0) return null;
        return { userId, sessionVersion };
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}
