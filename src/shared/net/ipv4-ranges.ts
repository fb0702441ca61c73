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
 * A plain dotted-quad address ("203.0.113.7") as an unsigned 32-bit integer, without allocating; -1 for anything
 * else (IPv6, an IPv4-carrying IPv6 form, spaces, leading zeros beyond three digits), which callers hand to
 * parseIp. The detector's addresses are already canonical, so nearly every IPv4 address takes this path.
 */
export function plainIpv4Value(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || digits === 3) return -1;
      octet = octet * 10 + d;
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}
