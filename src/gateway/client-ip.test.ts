import { describe, expect, it } from 'vitest';
import { CidrMap, parseCidr } from './cidr-map.js';
import { resolveClientIp } from './client-ip.js';
import { parseIp } from './ip.js';

function trusted(...cidrs: string[]): CidrMap<true> {
  const map = new CidrMap<true>();
  for (const c of cidrs) map.set(parseCidr(c) ?? (() => { throw new Error(c); })(), true);
  return map;
}

describe('parseIp', () => {
  it('normalises IPv4-mapped IPv6 and compresses IPv6', () => {
    expect(parseIp('::ffff:192.0.2.1')?.text).toBe('192.0.2.1');
    expect(parseIp('2001:0DB8:0:0:0:0:0:1')?.text).toBe('2001:db8::1');
    expect(parseIp('fe80::1%eth0')?.text).toBe('fe80::1');
    expect(parseIp('256.1.1.1')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('unknown')).toBeNull();
  });
});

describe('CidrMap', () => {
  it('matches the most specific CIDR for IPv4 and IPv6, and forgets deleted ones', () => {
    const map = new CidrMap<string>();
    map.set(parseCidr('10.0.0.0/8')!, 'wide');
    map.set(parseCidr('10.1.2.0/24')!, 'narrow');
    map.set(parseCidr('2001:db8::/32')!, 'v6');
    expect(map.match(parseIp('10.1.2.3')!)).toBe('narrow');
    expect(map.match(parseIp('10.9.9.9')!)).toBe('wide');
    expect(map.match(parseIp('::ffff:10.9.9.9')!)).toBe('wide');
    expect(map.match(parseIp('2001:db8:ffff::1')!)).toBe('v6');
    expect(map.match(parseIp('2001:db9::1')!)).toBeUndefined();
    map.delete(parseCidr('10.1.2.0/24')!);
    expect(map.match(parseIp('10.1.2.3')!)).toBe('wide');
    expect(parseCidr('10.1.2.3/8')?.text).toBe('10.0.0.0/8');
  });
});

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
