import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../gateway/state/memory-rate-limiter.js';
import { allowedPasses } from './xff-spoofing.js';

describe('xff-spoofing drill: how many requests may pass the per-IP limit', () => {
  it('is what the gateway limiter lets through: 110 requests over 2.2 s pass 103 of a 100/60 s limit', () => {
    // The flaky "103-104 of 100 passed" under load: the limiter refills one request every 600 ms.
    const limiter = new MemoryRateLimiter();
    const policy = { limit: 100, windowMs: 60_000, burst: 0 };
    let passed = 0;
    for (let i = 0; i < 110; i++) if (limiter.consume('per-ip', '127.0.0.2', policy, 1_000_000 + i * 20).allowed) passed++;
    expect(passed).toBe(103);
    expect(allowedPasses(100, 60_000, 109 * 20)).toBe(103);
  });

  it('holds a fast burst to the limit and flags more than the refill allows', () => {
    expect(allowedPasses(100, 60_000, 0)).toBe(100);
    expect(allowedPasses(100, 60_000, 599)).toBe(100);
    expect(allowedPasses(100, 60_000, 600)).toBe(101);
  });
});
