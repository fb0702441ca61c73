import { describe, expect, it } from 'vitest';
import { ipPrefix as gatewayPrefix, parseIp } from '../../shared/net/index.js';
import { cleanIp, ipPrefix } from './ip-prefix.js';

/**
 * The gateway and the log parsers each compute a client's /24 or /64, and the two strings must be the same: they
 * are the detector's group keys and the gateway's block targets, for the same client seen live or in a log.
 */
describe('client prefixes from logs and from the gateway', () => {
  const addresses = [
    '203.0.113.7',
    '10.0.0.1',
    '::ffff:198.51.100.9',
    '2001:db8::1',
    '2001:DB8:0:1::abcd',
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    '2001:0:0:1:2:3:4:5',
    '0:0:0:1::1',
    '::1',
    'fe80::1:2:3:4',
    '2a00:1450:4001:81d::200e',
  ];

  it.each(addresses)('agree for %s', (address) => {
    const parsed = parseIp(address);
    expect(parsed).not.toBeNull();
    expect(ipPrefix(cleanIp(address))).toBe(gatewayPrefix(parsed!));
  });
});
