import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../shared/secrets.js';
import { TokenHasher } from './token-hasher.js';

describe('TokenHasher', () => {
  it('gives exactly hashToken for fresh, cached and over-long tokens, and never shows a token when printed', () => {
    const hasher = new TokenHasher('k€y-with-utf8', 2);
    const tokens = ['abcdefghijklmnopqrstuvwxyz012345', 'ünïcode-tøken', 'x'.repeat(600), 'third-token'];
    for (let round = 0; round < 3; round++) {
      for (const t of tokens) expect(hasher.hash(t)).toBe(hashToken(t, 'k€y-with-utf8'));
    }
    // Bounded to its size, and the 600-character token was never cached.
    expect(hasher.cached).toBe(2);
    expect(JSON.stringify({ hasher })).toBe('{"hasher":{"cached":2}}');
    expect(inspect(hasher)).toBe('TokenHasher { cached: 2 }');
    expect(new TokenHasher('k', 0).hash('t')).toBe(hashToken('t', 'k'));
  });
});
