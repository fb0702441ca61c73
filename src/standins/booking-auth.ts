import { randomUUID } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../shared/clock.js';

export const ACCESS_TTL_S = 15 * 60;
export const REFRESH_TTL_S = 7 * 24 * 3600;

/** The FastAPI app's JWTs: HS256, with sub, jti, iat and exp (the claims the playbook's gateway reads). */
export class BookingTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(subject: string, kind: 'access' | 'refresh'): Promise<string> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({ typ: kind })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + (kind === 'access' ? ACCESS_TTL_S : REFRESH_TTL_S))
      .sign(this.key);
  }

  /** The subject of a valid token of this kind, or null. */
  async verify(token: string, kind: 'access' | 'refresh'): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      });
      return payload.typ === kind && typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }

  /** What the broken app does in `auth-bypass`: trusts whatever the token says, signature or not. */
  static claimedSubject(token: string): string {
    try {
      const sub = decodeJwt(token).sub;
      return typeof sub === 'string' ? sub : 'anonymous';
    } catch {
      return 'anonymous';
    }
  }
}
