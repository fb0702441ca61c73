/**
 * IPv4/IPv6 parsing into numbers, done once per address so CIDR matching is integer masking rather than
 * string work. IPv4-mapped IPv6 (::ffff:1.2.3.4) is normalised to IPv4 so a block on 1.2.3.4 also catches
 * it when the socket is dual-stack.
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

export function parseIp(input: string): ParsedIp | null {
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

function parseIpv6(input: string): ParsedIp | null {
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
  const words = [word(0), word(2), word(4), word(6)] as const;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) {
    return { version: 4, text: formatIpv4(words[3]), v4: words[3], v6: null };
  }
  return { version: 6, text: formatIpv6(words), v4: 0, v6: words };
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

/** The network an address belongs to for "per prefix" keys: /24 for IPv4, /64 for IPv6. */
export function ipPrefix(ip: ParsedIp): string {
  if (ip.v6 === null) return `${formatIpv4((ip.v4 & 0xffffff00) >>> 0)}/24`;
  return `${formatIpv6([ip.v6[0], ip.v6[1], 0, 0])}/64`;
}
