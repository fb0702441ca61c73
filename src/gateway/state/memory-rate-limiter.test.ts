import { describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

const policy = { limit: 10, windowMs: 60_000, burst: 0 };

describe('MemoryRateLimiter (GCRA)', () => {
  it('allows the limit at once, then one request per window/limit', () => {
    const l = new MemoryRateLimiter();
    const t0 = 1_000_000;
    const results = Array.from({ length: 11 }, () => l.consume('per-ip', 'a', policy, t0));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results[9]).toMatchObject({ remaining: 0, resetMs: 60_000 });
    expect(results[10]).toMatchObject({ allowed: false, retryAfterMs: 6_000 });
    expect(l.consume('per-ip', 'a', policy, t0 + 5_999).allowed).toBe(false);
    expect(l.consume('per-ip', 'a', policy, t0 + 6_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(l.consume('per-ip', 'b', policy, t0)).toMatchObject({ allowed: true, remaining: 9 });
    expect(l.consume('other', 'a', policy, t0).allowed).toBe(true);
  });

  it('has no window edge: a full quota spent at the end of a minute is not renewed at its start', () => {
    const l = new MemoryRateLimiter();
    for (let i = 0; i < 10; i++) l.consume('x', 'k', policy, 59_000);
    expect(l.consume('x', 'k', policy, 61_000).allowed).toBe(false);
  });

  it('stays within its bound under a flood of distinct keys, forgetting the oldest', () => {
    const l = new MemoryRateLimiter({ maxKeysPerLimit: 1000 });
    for (let i = 0; i < 1000; i++) l.consume('x', 'hot', { limit: 1, windowMs: 60_000, burst: 0 }, 0);
    expect(l.consume('x', 'hot', { limit: 1, windowMs: 60_000, burst: 0 }, 0).allowed).toBe(false);
    for (let i = 0; i < 100_000; i++) l.consume('x', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, policy, 0);
    expect(l.size('x')).toBe(1000);
  });

  it('costs a bounded, measured number of bytes per key', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const keys = 200_000;
    const l = new MemoryRateLimiter({ maxKeysPerLimit: keys });
    gc?.();
    // The LRU's links live in typed arrays, outside the V8 heap: count both.
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    for (let i = 0; i < keys; i++) l.consume('x', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, policy, i);
    gc?.();
    const perKey = (used() - before) / keys;
    console.info(`memory rate limiter: ${perKey.toFixed(0)} bytes per IPv4 key (${keys} keys)`);
    expect(l.size('x')).toBe(keys);
    expect(perKey).toBeLessThan(400);
  });
});

describe('MemoryRateLimiter at its bound', () => {
  it('forgets keys in least-recently-counted order, without iterating its tables, at a flat size', () => {
    const keysSpy = vi.spyOn(Map.prototype, 'keys');
    const l = new MemoryRateLimiter({ maxKeysPerLimit: 100 });
    const p = { limit: 100_000, windowMs: 100_000, burst: 0 }; // 1 ms per request: exact arithmetic
    for (let i = 0; i < 100; i++) l.consume('x', `k${i}`, p, 0);
    // k0 is counted again, so k1 is now the least recent.
    l.consume('x', 'k0', p, 0);
    for (let i = 100; i < 20_100; i++) {
      l.consume('x', `k${i}`, p, 0);
      l.consume('x', 'k0', p, 0);
      expect(l.size('x')).toBe(100);
    }
    expect(keysSpy).not.toHaveBeenCalled();
    keysSpy.mockRestore();
    // k0 survived 20,000 new keys with its count intact (20,002 requests so far, this is the 20,003rd).
    expect(l.consume('x', 'k0', p, 0)).toMatchObject({ allowed: true, remaining: 100_000 - 20_003 });
    // k1 was forgotten (forgiven): it starts whole again.
    expect(l.consume('x', 'k1', p, 0)).toMatchObject({ allowed: true, remaining: 99_999 });
  });
});
