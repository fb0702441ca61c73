import { embeddedIpv4, formatIpv4, formatIpv6, parseIp, parseIpv6Words, type ParsedIp } from './ip.js';

export interface Cidr {
  readonly version: 4 | 6;
  readonly bits: number;
  /** Canonical text, network address masked: "10.0.0.0/8", "2001:db8::/32". */
  readonly text: string;
  readonly key: string | number;
}

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (/32, /128). Returns null when invalid. A range inside
 * an IPv4-carrying IPv6 form (::ffff:1.2.3.0/120, 64:ff9b::c000:200/120) is the IPv4 range it covers, as the
 * addresses in it are folded to IPv4 (see ip.ts); a wider one (::ffff:0:0/80) stays an IPv6 range.
 */
export function parseCidr(input: string): Cidr | null {
  const slash = input.indexOf('/');
  const address = slash === -1 ? input : input.slice(0, slash);
  let ip = parseIp(address);
  if (!ip) return null;
  let bits = ip.version === 4 ? 32 : 128;
  if (slash !== -1) {
    const raw = input.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(raw)) return null;
    bits = Number(raw);
    if (ip.version === 4 && address.includes(':')) {
      // Written as IPv6: its prefix length counts the 96 bits before the IPv4 address.
      if (bits > 128) return null;
      if (bits >= 96) bits -= 96;
      else {
        const words = parseIpv6Words(address.trim()) as [number, number, number, number];
        ip = { version: 6, text: formatIpv6(words), v4: 0, v6: words };
      }
    }
  }
  const max = ip.version === 4 ? 32 : 128;
  if (bits < 0 || bits > max) return null;
  if (ip.v6 === null) {
    const network = maskV4(ip.v4, bits);
    return { version: 4, bits, text: `${formatIpv4(network)}/${bits}`, key: network };
  }
  const words = maskV6(ip.v6, bits);
  // The masked network may itself be an IPv4-carrying form (::ffff:0:0/96): its addresses are folded to IPv4.
  if (bits >= 96 && embeddedIpv4(words) !== null) {
    const network = maskV4(words[3], bits - 96);
    return { version: 4, bits: bits - 96, text: `${formatIpv4(network)}/${bits - 96}`, key: network };
  }
  return { version: 6, bits, text: `${formatIpv6(words)}/${bits}`, key: words.join(',') };
}

function maskV4(value: number, bits: number): number {
  return bits === 0 ? 0 : (value & (~0 << (32 - bits))) >>> 0;
}

function maskV6(words: readonly number[], bits: number): [number, number, number, number] {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) out[i] = maskV4(words[i] ?? 0, Math.max(0, Math.min(32, bits - 32 * i)));
  return out;
}

/**
 * A map from CIDR to value, matched most-specific first. One hash map per prefix length, so a lookup costs one
 * mask and one map probe per distinct prefix length in use (a handful in practice), whatever the number of
 * entries. Unlike node:net BlockList, entries can be removed, which unblocking needs.
 */
export class CidrMap<V> {
  private readonly v4 = new Map<number, Map<string | number, V>>();
  private readonly v6 = new Map<number, Map<string | number, V>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(cidr: Cidr, value: V): void {
    const table = this.table(cidr, true);
    if (!table.has(cidr.key)) this.count++;
    table.set(cidr.key, value);
  }

  get(cidr: Cidr): V | undefined {
    return this.table(cidr, false).get(cidr.key);
  }

  delete(cidr: Cidr): boolean {
    const table = this.table(cidr, false);
    if (!table.delete(cidr.key)) return false;
    this.count--;
    if (table.size === 0) {
      if (cidr.version === 4) this.v4.delete(cidr.bits);
      else this.v6.delete(cidr.bits);
      this.sortLengths();
    }
    return true;
  }

  /** The value of the most specific CIDR containing ip. */
  match(ip: ParsedIp): V | undefined {
    if (this.count === 0) return undefined;
    if (ip.v6 === null) {
      for (const bits of this.v4Lengths) {
        const hit = this.v4.get(bits)?.get(maskV4(ip.v4, bits));
        if (hit !== undefined) return hit;
      }
      return undefined;
    }
    for (const bits of this.v6Lengths) {
      const hit = this.v6.get(bits)?.get(maskV6(ip.v6, bits).join(','));
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const [bits, table] of this.v4) for (const [k, v] of table) yield [`${formatIpv4(k as number)}/${bits}`, v];
    for (const [bits, table] of this.v6) {
      for (const [k, v] of table) {
        const w = String(k).split(',').map(Number) as [number, number, number, number];
        yield [`${formatIpv6(w)}/${bits}`, v];
      }
    }
  }

  private table(cidr: Cidr, create: boolean): Map<string | number, V> {
    const tables = cidr.version === 4 ? this.v4 : this.v6;
    let table = tables.get(cidr.bits);
    if (!table) {
      table = new Map();
      if (!create) return table;
      tables.set(cidr.bits, table);
      this.sortLengths();
    }
    return table;
  }

  private sortLengths(): void {
    this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a);
    this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a);
  }
}
