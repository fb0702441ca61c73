import { describe, expect, it } from 'vitest';
import { ConcurrencyCaps } from './concurrency-caps.js';

describe('concurrency caps per address and per prefix', () => {
  it('refuses the request over the address cap, and admits again once one finishes', () => {
    const caps = new ConcurrencyCaps(3, 10);
    for (let i = 0; i < 3; i++) expect(caps.acquire('203.0.113.7', '203.0.113.0/24')).toBeNull();
    expect(caps.acquire('203.0.113.7', '203.0.113.0/24')).toBe('ip');
    // A neighbour in the same /24 is still welcome: the address cap is the one that was hit.
    expect(caps.acquire('203.0.113.8', '203.0.113.0/24')).toBeNull();
    caps.release('203.0.113.7', '203.0.113.0/24');
    expect(caps.acquire('203.0.113.7', '203.0.113.0/24')).toBeNull();
    expect(caps.inFlight('203.0.113.7')).toBe(3);
  });

  it('refuses a /24 over its cap even when each address is under its own, without counting the refusal', () => {
    const caps = new ConcurrencyCaps(2, 5);
    const admitted = [];
    for (let host = 1; host <= 6; host++) admitted.push(caps.acquire(`198.51.100.${host}`, '198.51.100.0/24'));
    expect(admitted).toEqual([null, null, null, null, null, 'prefix']);
    expect(caps.inFlight('198.51.100.6')).toBe(0);
    expect(caps.acquire('198.51.101.1', '198.51.101.0/24')).toBeNull();
  });

  it('stays bounded under a flood of random addresses, and never forgets one with requests in flight', () => {
    const caps = new ConcurrencyCaps(1, 1000, 1000);
    // One long request from the address the attacker wants forgotten.
    expect(caps.acquire('192.0.2.1', '192.0.2.0/24')).toBeNull();
    let refused = 0;
    let largest = 0;
    for (let i = 0; i < 200_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const prefix = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.0/24`;
      if (caps.acquire(ip, prefix) !== null) refused++;
      caps.release(ip, prefix);
      largest = Math.max(largest, caps.size);
    }
    expect(refused).toBe(0);
    expect(largest).toBeLessThanOrEqual(1002);
    expect(caps.acquire('192.0.2.1', '192.0.2.0/24')).toBe('ip');
  });

  it('keeps sweeping cheap when most keys are in flight: the map may grow past idleKeys, to twice what is held', () => {
    const caps = new ConcurrencyCaps(1, 1, 100);
    for (let i = 0; i < 1000; i++) expect(caps.acquire(`10.0.${i >> 8}.${i & 255}`, `p${i}`)).toBeNull();
    expect(caps.size).toBe(2000);
    for (let i = 0; i < 1000; i++) expect(caps.acquire(`10.0.${i >> 8}.${i & 255}`, `p${i}`)).toBe('ip');
  });
});
