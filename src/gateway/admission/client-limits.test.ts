import { describe, expect, it } from 'vitest';
import { RampartError } from '../../shared/errors.js';
import { compileClientLimits, DEFAULT_CLIENT_LIMITS } from './client-limits.js';

const fail = (path: string, message: string): never => {
  throw new RampartError('RAMPART_CONFIG', `gateway config: ${path}: ${message}`);
};

describe('compiling gateway.client_limits', () => {
  it('fills in the defaults; a venue of 200 guests behind one NAT fits under the per-address cap', () => {
    const limits = compileClientLimits(undefined, true, fail);
    expect(limits).toEqual(DEFAULT_CLIENT_LIMITS);
    // One upload and one poll of the guest PWA each.
    expect(limits.maxConcurrentPerIp).toBeGreaterThanOrEqual(2 * 200);
    expect(limits.maxConcurrentPerPrefix).toBeGreaterThanOrEqual(4 * limits.maxConcurrentPerIp);
  });

  it('gives every connection to ordinary routes when no route is exempt', () => {
    expect(compileClientLimits({ upstream_connections: 16 }, false, fail).reserveForExempt).toBe(0);
    expect(compileClientLimits({ upstream_connections: 4 }, true, fail).reserveForExempt).toBe(2);
  });

  it('raises the default /24 cap with a raised address cap rather than refusing the playbook', () => {
    expect(compileClientLimits({ max_concurrent_per_ip: 5000 }, true, fail).maxConcurrentPerPrefix).toBe(5000);
  });

  it('names the field and the bound in each error', () => {
    expect(() => compileClientLimits({ header_timeout: '100ms' }, true, fail))
      .toThrow('gateway.client_limits.header_timeout: 100ms is not between 1s and 10m');
    expect(() => compileClientLimits({ body_prefetch: 10_000_000 }, true, fail))
      .toThrow('gateway.client_limits.body_prefetch: 10000000 is not a whole number from 0 to 1048576');
    expect(() => compileClientLimits({ upstream_connections: 4, reserve_for_exempt: 4 }, true, fail))
      .toThrow('gateway.client_limits.reserve_for_exempt: 4 leaves no upstream connection for ordinary routes');
    expect(() => compileClientLimits({ max_concurrent_per_ip: 10, max_concurrent_per_prefix: 5 }, true, fail))
      .toThrow('gateway.client_limits.max_concurrent_per_prefix: 5 is below max_concurrent_per_ip (10)');
  });
});
