import { describe, expect, it } from 'vitest';
import { hashToken, previewToken } from '../shared/secrets.js';
import { hashedTokens, MAX_REMEMBERED_TOKEN_LENGTH } from './hashed-tokens.js';

describe('hashedTokens', () => {
  it('gives the keyed hash and preview the gateway gives, and remembers them for a repeated token', () => {
    const hashed = hashedTokens('key-1');
    const token = 'evt0042abcdefghijklmnoptok';
    const first = hashed(token);
    expect(first).toMatchObject({ hash: hashToken(token, 'key-1'), preview: previewToken(token) });
    // A copy of the token from another log line: the same entry, no second HMAC.
    expect(hashed(`${token} `.slice(0, -1))).toBe(first);
    expect(hashedTokens('key-2')(token).hash).not.toBe(first.hash);
  });

  it('hashes a hostile 64 KiB token correctly but does not keep it', () => {
    const hashed = hashedTokens('key-1');
    const huge = 'A'.repeat(64 * 1024);
    const once = hashed(huge);
    expect(once.hash).toBe(hashToken(huge, 'key-1'));
    expect(once.preview).toBe(previewToken(huge));
    expect(hashed(huge)).not.toBe(once);
    const longest = 'b'.repeat(MAX_REMEMBERED_TOKEN_LENGTH);
    expect(hashed(longest)).toBe(hashed(longest));
  });

  it('stays within its count when flooded with new tokens', () => {
    const hashed = hashedTokens('key-1', 100);
    const kept = hashed('busy-token-0000000000');
    const firstOfFlood = hashed('flood-0-xxxxxxxxxxxx');
    for (let i = 1; i < 1_000; i++) {
      hashed(`flood-${i}-xxxxxxxxxxxx`);
      // A token in use between every new one is never the one forgotten.
      expect(hashed('busy-token-0000000000')).toBe(kept);
    }
    // The flood's first token was forgotten long ago: it is hashed afresh.
    expect(hashed('flood-0-xxxxxxxxxxxx')).not.toBe(firstOfFlood);
  });
});
