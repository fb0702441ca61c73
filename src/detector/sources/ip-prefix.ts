import { ipPrefix as prefixOfParsed, parseIp, parseIpWithPort } from '../../shared/net/index.js';

/**
 * Cleans a client address as logs print it ("1.2.3.4", "[2001:db8::1]:443", "::ffff:1.2.3.4", "1.2.3.4:5678")
 * into the canonical text of the one address model (src/shared/net): IPv4 dotted quad (IPv4-carrying IPv6 forms
 * folded to it), RFC 5952 IPv6; null when it is not an IP at all ("-", "unix:", a hostname). The gateway writes
 * the same text for the same client, so a block or a rule key agrees whichever source saw the client.
 */
export function cleanIp(raw: string | null | undefined): string | null {
  if (!raw || raw === '-' || raw.length > 64) return null;
  return parseIpWithPort(raw)?.text ?? null;
}

/** /24 for IPv4 ("1.2.3.0/24"), /64 for IPv6 ("2001:db8:0:1::/64"); null for anything else. */
export function ipPrefix(ip: string | null): string | null {
  if (ip === null) return null;
  const parsed = parseIp(ip);
  return parsed === null ? null : prefixOfParsed(parsed);
}

/** For an address cleanIp already accepted. */
export function prefixOfClean(ip: string): string | null {
  return ipPrefix(ip);
}
