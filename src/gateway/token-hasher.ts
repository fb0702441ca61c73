import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { LruMap } from '../shared/lru.js';

/** Tokens longer than this are hashed every time and never held by the cache. */
const MAX_CACHED_TOKEN_LENGTH = 512;

/**
 * hashToken (src/shared/secrets.ts) for one gateway: the HMAC key is built once, and the hashes of the most
 * recently seen tokens are remembered, because one join token or session JWT arrives over and over and an
 * HMAC costs ≈ 3 µs against ≈ 0.05 µs for a lookup.
 *
 * The choice, weighed: the cache is keyed by the raw token, so up to `cacheSize` recent tokens (≤ 512
 * characters each) stay in this process's memory after their requests end, where otherwise they would live
 * until the next GC. They are never logged, serialised or sent anywhere (the fields are private, and
 * toJSON / util.inspect show only the count), and the bound is tight: 1,024 tokens by default, ≤ 0.6 MB.
 * Anyone who can read this process's memory can read the tokens in flight anyway. A key derived without the
 * secret (a fast non-cryptographic hash) was rejected: a collision would hand one token another's hash, i.e.
 * its revocations and limits.
 */
export class TokenHasher {
  private readonly key: KeyObject;
  private readonly cache: LruMap<string> | null;

  constructor(key: string, cacheSize = 1_024) {
    this.key = createSecretKey(Buffer.from(key, 'utf8'));
    this.cache = cacheSize > 0 ? new LruMap<string>(cacheSize) : null;
  }

  /** Same value as hashToken(token, key). */
  hash(token: string): string {
    const cache = this.cache;
    if (cache === null || token.length > MAX_CACHED_TOKEN_LENGTH) return this.compute(token);
    let hash = cache.get(token);
    if (hash === undefined) {
      hash = this.compute(token);
      cache.set(token, hash);
    }
    return hash;
  }

  /** Tokens currently remembered (for tests and metrics). */
  get cached(): number {
    return this.cache?.size ?? 0;
  }

  toJSON(): { cached: number } {
    return { cached: this.cached };
  }

  [inspect.custom](): string {
    return `TokenHasher { cached: ${this.cached} }`;
  }

  private compute(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('base64url').slice(0, 32);
  }
}
