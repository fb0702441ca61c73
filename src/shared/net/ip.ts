/**
 * The one address model of Rampart: the gateway, the log parsers, blocks and rules all parse addresses here.
 * IPv4/IPv6 parsing into numbers, done once per address so CIDR matching is integer masking rather than
 * string work. Every IPv6 form that carries an IPv4 address is folded to that IPv4 address, so a block on
 * 1.2.3.4 also catches the client however a dual-stack socket, a translator or a log line writes it:
 * - IPv4-mapped `::ffff:1.2.3.4` (dual-stack sockets),
 * - IPv4-translated `::ffff:0:1.2.3.4` (RFC 2765 SIIT),
 * - the well-known NAT64 prefix `64:ff9b::1.2.3.4` (RFC 6052),
 * - IPv4-compatible `::1.2.3.4` (RFC 4291, deprecated) when the IPv4 address has a non-zero first octet, so
 *   `::` and `::1` stay the IPv6 unspecified and loopback addresses.
 */
export interface ParsedIp {
  readonly version: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  readonly text: string;
  /** IPv4 as an unsigned 32-bit integer (0 for IPv6). */
  readonly v4: number;
  /** IPv6 as four unsigned 32-bit words, most significant first (null for IPv4). */
  readonly v6: readonly [number, number, number, number] | null;
}

/** Parses a bare address (no port, no brackets); null when it is not one. */
export function parseIp(input: string): ParsedIp | null {
  if (input.length > 64) return null;
  const text = input.trim();
  if (text.includes(':')) return parseIpv6(text);
  const v4 = parseIpv4Number(text);
  return v4 === null ? null : { version: 4, text: formatIpv4(v4), v4, v6: null };
}

function parseIpv4Number(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return null;
    let octet = 0;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      octet = octet * 10 + c;
    }
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function parseGroups(text: string, allowTrailingV4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (allowTrailingV4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4Number(part);
      if (v4 === null) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

type Words = readonly [number, number, number, number];

function parseIpv6(input: string): ParsedIp | null {
  const words = parseIpv6Words(input);
  if (words === null) return null;
  const v4 = embeddedIpv4(words);
  if (v4 !== null) return { version: 4, text: formatIpv4(v4), v4, v6: null };
  return { version: 6, text: formatIpv6(words), v4: 0, v6: words };
}

/** The IPv4 address an IPv6 address carries (see the module comment), or null. */
export function embeddedIpv4(words: Words): number | null {
  const [a, b, c, d] = words;
  if (b !== 0) return null;
  if (a === 0 && c === 0xffff) return d;
  if (a === 0 && c === 0xffff0000) return d;
  if (a === 0x0064ff9b && c === 0) return d;
  if (a === 0 && c === 0 && d >>> 24 !== 0) return d;
  return null;
}

/** IPv6 text (zone index allowed and dropped) → four 32-bit words, without folding. */
export function parseIpv6Words(input: string): Words | null {
  const zone = input.indexOf('%');
  const text = zone === -1 ? input : input.slice(0, zone);
  const gap = text.indexOf('::');
  let groups: number[] | null;
  if (gap === -1) {
    groups = parseGroups(text, true);
    if (groups?.length !== 8) return null;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return null;
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const g = groups;
  const word = (i: number): number => (((g[i] ?? 0) << 16) | (g[i + 1] ?? 0)) >>> 0;
  return [word(0), word(2), word(4), word(6)];
}

/** RFC 5952: lower case, leading zeros dropped, the longest run (≥ 2) of zero groups compressed. */
export function formatIpv6(words: readonly [number, number, number, number]): string {
  const groups: number[] = [];
  for (const w of words) groups.push(w >>> 16, w & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((x) => x.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * An address as logs and headers print it ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443", "fe80::1%eth0")
 * → the parsed address, or null when it is not an IP at all ("-", "unix:", a hostname).
 */
export function parseIpWithPort(raw: string): ParsedIp | null {
  const text = raw.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end === -1 ? null : parseIp(text.slice(1, end));
  }
  const colon = text.indexOf(':');
  if (colon !== -1 && text.indexOf(':', colon + 1) === -1) return parseIp(text.slice(0, colon));
  return parseIp(text);
}

/** The network an address belongs to for "per prefix" keys: /24 for IPv4, /64 for IPv6. */
export function ipPrefix(ip: ParsedIp): string {
  if (ip.v6 === null) return `${formatIpv4((ip.v4 & 0xffffff00) >>> 0)}/24`;
  return `${formatIpv6([ip.v6[0], ip.v6[1], 0, 0])}/64`;
}
