import { describe, expect, it } from 'vitest';
import { CidrMap, parseCidr } from '../shared/net/index.js';
import { resolveClientIp, type ForwardingHeader, type TrustedProxies } from './client-ip.js';

function trusted(...entries: (string | [string, ForwardingHeader])[]): TrustedProxies {
  const map = new CidrMap<ForwardingHeader>();
  for (const e of entries) {
    const [text, header] = typeof e === 'string' ? [e, 'x-forwarded-for' as const] : e;
    map.set(parseCidr(text) ?? (() => { throw new Error(text); })(), header);
  }
  return map;
}

describe('resolveClientIp', () => {
  it('uses the socket peer and flags forwarding headers from an untrusted peer', () => {
    const r = resolveClientIp('203.0.113.5', { 'x-forwarded-for': '1.2.3.4' }, trusted('10.0.0.0/8'));
    expect(r).toMatchObject({ prefix: '203.0.113.0/24', spoofedForwardedFor: true, peerTrusted: false,
      forwardedFor: '203.0.113.5' });
    expect(r.ip.text).toBe('203.0.113.5');
  });

  it('walks X-Forwarded-For right to left past trusted hops', () => {
    const t = trusted('10.0.0.0/8', '2001:db8:ffff::/48');
    const r = resolveClientIp('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.9, 10.0.0.2' }, t);
    expect(r).toMatchObject({ ip: { text: '198.51.100.9' }, forwardedFor: '198.51.100.9, 10.0.0.2, 10.0.0.1' });
    expect(resolveClientIp('10.0.0.1', { 'x-forwarded-for': '10.0.0.3, 10.0.0.2' }, t).ip.text).toBe('10.0.0.3');
    expect(resolveClientIp('10.0.0.1', { 'x-forwarded-for': '198.51.100.9:5555' }, t).ip.text).toBe('198.51.100.9');
    expect(resolveClientIp('2001:db8:ffff::1', { 'x-forwarded-for': '2001:db8:1:2::9' }, t).prefix)
      .toBe('2001:db8:1:2::/64');
  });

  it('ignores and flags a Forwarded header the proxy does not write (issue 9, item 2)', () => {
    const t = trusted('127.0.0.1');
    for (const forwarded of ['for=198.18.0.1', 'proto=https']) {
      const r = resolveClientIp('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', forwarded }, t);
      expect(r).toMatchObject({ ip: { text: '203.0.113.9' }, spoofedForwardedFor: true, proxyHeader: 'x-forwarded-for' });
    }
    // nginx's X-Real-IP beside its X-Forwarded-For names the same client: nothing to flag.
    const r = resolveClientIp('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' }, t);
    expect(r.spoofedForwardedFor).toBe(false);
  });

  it('reads Forwarded for= or X-Real-IP where the range says so, and stops at an unknown hop', () => {
    const t = trusted(['10.0.0.0/8', 'forwarded'], ['192.168.0.0/16', 'x-real-ip']);
    const fwd = 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9';
    expect(resolveClientIp('::ffff:10.0.0.1', { 'x-forwarded-for': '9.9.9.9', forwarded: fwd }, t).ip.text)
      .toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.1', { forwarded: 'for=unknown, for=10.0.0.9' }, t).ip.text).toBe('10.0.0.9');
    const real = resolveClientIp('192.168.1.1', { 'x-real-ip': '198.51.100.4', 'x-forwarded-for': '1.1.1.1' }, t);
    expect(real).toMatchObject({ ip: { text: '198.51.100.4' }, spoofedForwardedFor: true });
  });
});
