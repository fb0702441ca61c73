import { describe, expect, it } from 'vitest';
import { cleanIp, ipPrefix } from './ip-prefix.js';

describe('cleanIp', () => {
  it('reads addresses the way logs print them', () => {
    expect(cleanIp('203.0.113.7')).toBe('203.0.113.7');
    expect(cleanIp('203.0.113.7:54321')).toBe('203.0.113.7');
    expect(cleanIp('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(cleanIp('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(cleanIp('fe80::1%eth0')).toBe('fe80::1');
    expect(cleanIp('2001:0DB8:0000:0001::9')).toBe('2001:db8:0:1::9');
    for (const folded of ['::ffff:0:198.51.100.4', '64:ff9b::198.51.100.4', '::198.51.100.4', '[64:ff9b::c633:6404]:80']) {
      expect(cleanIp(folded)).toBe('198.51.100.4');
    }
  });

  it('returns null for what is not an IP', () => {
    for (const raw of ['-', '', 'unix:', 'example.com', '999.1.1.1', null, undefined, 'a'.repeat(100)]) {
      expect(cleanIp(raw)).toBeNull();
    }
  });
});

describe('ipPrefix', () => {
  it('groups IPv4 by /24 and IPv6 by /64', () => {
    expect(ipPrefix('203.0.113.7')).toBe('203.0.113.0/24');
    expect(ipPrefix('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipPrefix('2001:db8::1')).toBe('2001:db8::/64');
    expect(ipPrefix('2001:0db8:0000:0001::9')).toBe('2001:db8:0:1::/64');
    expect(ipPrefix('::1')).toBe('::/64');
    expect(ipPrefix('::ffff:1.2.3.4')).toBe('1.2.3.0/24');
    expect(ipPrefix('64:ff9b::198.51.100.4')).toBe('198.51.100.0/24');
  });

  it('puts two addresses of one /64 together', () => {
    expect(ipPrefix('2a02:8070:abcd:1234:aaaa::1')).toBe(ipPrefix('2a02:8070:abcd:1234:ffff:1:2:3'));
  });

  it('is null for null or junk', () => {
    expect(ipPrefix(null)).toBeNull();
    expect(ipPrefix('nope')).toBeNull();
  });
});
