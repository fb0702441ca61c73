import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time (for equal lengths; the length itself is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Still spend the comparison so timing does not reveal where a prefix diverged.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** Keyed hash of a secret token: stable for one key, useless without it. */
export function hashToken(token: string, key: string): string {
  return createHmac('sha256', key).update(token).digest('base64url').slice(0, 32);
}

/** Plain SHA-256, for API keys that are high-entropy random strings. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The seed's "truncated token preview": enough to recognise, never enough to use. */
export function previewToken(token: string): string {
  if (token.length <= 8) return `${token.slice(0, 2)}…`;
  return `${token.slice(0, 4)}…${token.slice(-2)}`;
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
