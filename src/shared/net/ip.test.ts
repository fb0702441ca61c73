import { describe, expect, it } from 'vitest';
import { CidrMap, ipPrefix, parseCidr, parseIp, parseIpWithPort } from './index.js';

describe('parseIp', () => {
  it('normalises IPv4-mapped IPv6 and compresses IPv6', () => {
    expect(parseIp('::ffff:192.0.2.1')?.text).toBe('192.0.2.1');
    expect(parseIp('2001:0DB8:0:0:0:0:0:1')?.text).toBe('2001:db8::1');
    expect(parseIp('fe80::1%eth0')?.text).toBe('fe80::1');
    expect(parseIp('256.1.1.1')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('unknown')).toBeNull();
  });

  it('folds every IPv6 form that carries an IPv4 address to that address', () => {
    for (const form of ['::ffff:198.51.100.4', '::FFFF:c633:6404', '::ffff:0:198.51.100.4', '64:ff9b::198.51.100.4',
      '64:ff9b::c633:6404', '::198.51.100.4', '0:0:0:0:0:ffff:198.51.100.4']) {
      expect(parseIp(form), form).toMatchObject({ version: 4, text: '198.51.100.4' });
      expect(ipPrefix(parseIp(form)!), form).toBe('198.51.100.0/24');
    }
  });

  it('keeps the IPv6 unspecified and loopback addresses and other prefixes as IPv6', () => {
    expect(parseIp('::1')).toMatchObject({ version: 6, text: '::1' });
    expect(parseIp('::')).toMatchObject({ version: 6, text: '::' });
    expect(parseIp('64:ff9b:1::198.51.100.4')?.version).toBe(6);
    expect(parseIp('2001:db8::198.51.100.4')?.version).toBe(6);
  });

  it('reads addresses with ports and brackets as logs and headers print them', () => {
    expect(parseIpWithPort('[2001:db8::1]:443')?.text).toBe('2001:db8::1');
    expect(parseIpWithPort('198.51.100.4:5678')?.text).toBe('198.51.100.4');
    expect(parseIpWithPort('[64:ff9b::c633:6404]:80')?.text).toBe('198.51.100.4');
    expect(parseIpWithPort('unix:')).toBeNull();
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

  it('blocks an IPv4 client however it is written, and reads IPv4-carrying ranges as IPv4 ranges', () => {
    const map = new CidrMap<true>();
    map.set(parseCidr('198.51.100.0/24')!, true);
    for (const form of ['::ffff:0:198.51.100.4', '64:ff9b::c633:6404', '::198.51.100.4']) {
      expect(map.match(parseIp(form)!), form).toBe(true);
    }
    expect(parseCidr('::ffff:198.51.100.0/120')?.text).toBe('198.51.100.0/24');
    expect(parseCidr('64:ff9b::198.51.100.0/120')?.text).toBe('198.51.100.0/24');
    expect(parseCidr('::ffff:0:0/80')?.version).toBe(6);
    expect(parseCidr('::1/128')?.text).toBe('::1/128');
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });
});
