/**
 * A set of IPv4 networks as sorted, merged ranges of 32-bit addresses: membership is a binary search over two
 * typed arrays, with no string work and no allocation, however many networks and prefix lengths the set holds
 * (a data-centre list mixes a dozen lengths, which costs a CidrMap a dozen probes).
 */
export class Ipv4Ranges {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;

  /** Networks as [first address, prefix length]; overlapping and adjacent ones are merged. */
  constructor(networks: readonly (readonly [number, number])[]) {
    const ranges = networks
      .map(([network, bits]) => {
        const size = 2 ** (32 - bits);
        const start = Math.floor(network / size) * size;
        return [start, start + size - 1] as const;
      })
      .sort((a, b) => a[0] - b[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [start, end] of ranges) {
      const last = ends.length - 1;
      if (last >= 0 && start <= (ends[last] as number) + 1) ends[last] = Math.max(ends[last] as number, end);
      else {
        starts.push(start);
        ends.push(end);
      }
    }
    this.starts = Float64Array.from(starts);
    this.ends = Float64Array.from(ends);
  }

  get size(): number {
    return this.starts.length;
  }

  /** Whether the address (an unsigned 32-bit integer) is in one of the networks. */
  has(address: number): boolean {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    // The last range starting at or before the address.
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && address <= (this.ends[hi] as number);
  }
}

/**
 * `text` as an unsigned 32-bit number when it is exactly a dotted-quad IPv4 address as isIP accepts it (octets
 * 0–255, no leading zeros), else -1: such an address is its own clean form (the log parsers' address cache and
 * the rule filters' CIDR lists read it). A character loop, no allocation; other forms go to parseIp.
 */
export function canonicalIpv4Value(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let dots = 0;
  let total = 0;
  let value = 0;
  let digits = 0;
  let lead = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || (digits > 1 && lead === 48)) return -1;
      if (i < length && ++dots > 3) return -1;
      total = total * 256 + value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) lead = c;
      if (++digits > 3) return -1;
      value = value * 10 + (c - 48);
    } else {
      return -1;
    }
  }
  return dots === 3 ? total : -1;
}

