import { hashToken, previewToken } from '../shared/secrets.js';
import { detach, KeyTable } from './rules/index.js';
import type { KeyEntry } from './rules/index.js';

/** A full token's keyed hash and preview, as the detector groups and shows it. */
export interface HashedToken {
  readonly hash: string;
  readonly preview: string;
}

interface Remembered extends HashedToken, KeyEntry {}

/** Tokens remembered per cache (≈ 100 bytes each besides the token). */
export const HASHED_TOKENS_MAX = 10_000;
/** Longer tokens are hashed every time and never held: 10,000 tokens of a 64 KiB log line would be 640 MB. */
export const MAX_REMEMBERED_TOKEN_LENGTH = 512;

/**
 * Full token → its keyed hash and preview, remembered: a join token or a signed-download link repeats on many
 * lines, and an HMAC per line was a tenth of replay's time. Bounded in count (KeyTable) and in size (tokens over
 * MAX_REMEMBERED_TOKEN_LENGTH are not kept). The key is a copy, so the cache keeps no log line alive.
 */
export function hashedTokens(tokenKey: string, max = HASHED_TOKENS_MAX): (token: string) => HashedToken {
  const cache = new KeyTable<Remembered>(max);
  return (token) => {
    if (token.length > MAX_REMEMBERED_TOKEN_LENGTH) {
      return { hash: hashToken(token, tokenKey), preview: previewToken(token) };
    }
    let known = cache.get(token);
    if (known === undefined) {
      known = { key: detach(token), used: false, hash: hashToken(token, tokenKey), preview: previewToken(token) };
      cache.add(known);
    }
    return known;
  };
}
