import { errors, jwtVerify } from 'jose';
import type { JwtVerification } from './config.js';
import { LruMap } from '../shared/lru.js';

/** The payload of a compact JWS, without verifying it; null when it is not a JWT with a JSON object payload. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second === -1 || token.indexOf('.', second + 1) !== -1) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Remembers tokens that verified, by keyed hash, until their exp (or a minute): a session sends the same JWT
 * many times and a signature check costs far more than a map probe. Bounded; only valid tokens are stored,
 * so a flood of forged tokens cannot fill it.
 */
export class JwtVerifier {
  private readonly verified: LruMap<number>;

  constructor(maxEntries = 10_000) {
    this.verified = new LruMap(maxEntries);
  }

  /** Synchronous answer when cached: true = verified before and still valid; undefined = must verify. */
  cached(tokenHash: string, now: number): true | undefined {
    const until = this.verified.get(tokenHash);
    return until !== undefined && until > now ? true : undefined;
  }

  async verify(token: string, tokenHash: string, rule: JwtVerification, now: number): Promise<boolean> {
    try {
      const { payload } = await jwtVerify(token, rule.key, {
        algorithms: rule.algorithms,
        currentDate: new Date(now),
      });
      const until = typeof payload.exp === 'number' ? payload.exp * 1000 : now + 60_000;
      this.verified.set(tokenHash, Math.min(until, now + 3_600_000));
      return true;
    } catch (error) {
      if (error instanceof errors.JOSEError) return false;
      throw error;
    }
  }
}
