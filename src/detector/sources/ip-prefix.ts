import { isIP } from 'node:net';

/**
 * Cleans a client address as logs print it ("1.2.3.4", "[2001:db8::1]:443", "::ffff:1.2.3.4", "1.2.3.4:5678")
 * into a bare IP, or null when it is not an IP at all ("-", "unix:", a hostname).
 */
export function cleanIp(raw: string | null | undefined): string | null {
  if (!raw || raw === '-' || raw.length > 64) return null;
  let text = raw.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    text = text.slice(1, end);
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    // Several colons: IPv6 as is.
  } else if (text.includes(':')) {
    // One colon: IPv4 with a port.
    text = text.slice(0, text.indexOf(':'));
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const version = isIP(text);
  if (version === 0) return null;
  if (version === 6) {
    const lower = text.toLowerCase();
    // An IPv4 client seen through a dual-stack socket is still that IPv4 client.
    if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
    return lower;
  }
  return text;
}

/** /24 for IPv4 ("1.2.3.0/24"), /64 for IPv6 ("2001:db8:0:1::/64"); null for anything else. */
export function ipPrefix(ip: string | null): string | null {
  if (ip === null) return null;
  return prefixOf(ip, isIP(ip));
}

/** For an address cleanIp already accepted: its version is known from its shape. */
export function prefixOfClean(ip: string): string | null {
  return prefixOf(ip, ip.includes(':') ? 6 : 4);
}

function prefixOf(ip: string, version: number): string | null {
  if (version === 4) return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
  if (version === 6) {
    const groups = expandIpv6(ip);
    if (groups === null) return null;
    const head = groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16));
    // Trailing zero groups of the prefix collapse into "::" like every IPv6 printer does.
    while (head.length > 0 && head[head.length - 1] === '0') head.pop();
    return `${head.join(':')}::/64`;
  }
  return null;
}

function expandIpv6(ip: string): string[] | null {
  let text = ip.toLowerCase();
  // An embedded IPv4 tail ("::1.2.3.4") becomes two hex groups.
  const dot = text.lastIndexOf('.');
  if (dot >= 0) {
    const colon = text.lastIndexOf(':');
    const parts = text.slice(colon + 1).split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}
