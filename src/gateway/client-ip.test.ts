import { describe, expect, it } from 'vitest';
import { CidrMap, parseCidr } from '../shared/net/index.js';
import { resolveClientIp } from './client-ip.js';
import { parseIp } from '../shared/net/index.js';

function trusted(...cidrs: string[]): CidrMap<true> {
  const map = new CidrMap<true>();
  for (const c of cidrs) map.set(parseCidr(c) ?? (() => { throw new Error(c); })(), true);
  return map;
}

describe('resolveClientIp', () => {
  it('uses the socket peer and flags forwarding headers from an untrusted peer', () => {
    const r = resolveClientIp('203.0.113.5', '1.2.3.4', undefined, trusted('10.0.0.0/8'));
    expect(r).toMatchObject({ prefix: '203.0.113.0/24', spoofedForwardedFor: true, peerTrusted: false });
    expect(r.ip.text).toBe('203.0.113.5');
  });

  it('walks X-Forwarded-For right to left past trusted hops', () => {
    const t = trusted('10.0.0.0/8', '2001:db8:ffff::/48');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.2', undefined, t).ip.text).toBe('198.51.100.9');
    expect(resolveClientIp('10.0.0.1', '10.0.0.3, 10.0.0.2', undefined, t).ip.text).toBe('10.0.0.3');
    expect(resolveClientIp('10.0.0.1', '198.51.100.9:5555', undefined, t).ip.text).toBe('198.51.100.9');
    expect(resolveClientIp('2001:db8:ffff::1', '2001:db8:1:2::9', undefined, t).prefix).toBe('2001:db8:1:2::/64');
  });

  it('prefers RFC 7239 Forwarded for= and stops at an unknown hop', () => {
    const t = trusted('10.0.0.0/8');
    const fwd = 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9';
    expect(resolveClientIp('::ffff:10.0.0.1', '9.9.9.9', fwd, t).ip.text).toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.1', undefined, 'for=unknown, for=10.0.0.9', t).ip.text).toBe('10.0.0.9');
  });
});
