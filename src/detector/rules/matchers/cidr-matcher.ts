import { CidrMap, parseCidr } from '../../../shared/net/cidr-map.js';
import { parseIp } from '../../../shared/net/ip.js';
import { Ipv4Ranges, canonicalIpv4Value } from '../../../shared/net/ipv4-ranges.js';
import { RampartError } from '../../../shared/errors.js';

/**
 * A list of networks compiled once: its IPv4 networks into sorted merged ranges (a binary search per address,
 * no string work), its IPv6 networks into the gateway's own CIDR table (the one its blocks use: one probe per
 * prefix length in the list). An address in an IPv4-carrying IPv6 form is folded to IPv4 first (ip.ts). A value
 * that is not an address matches nothing. An entry that is not a network fails at load, naming it.
 */
export function compileCidrMatcher(entries: readonly string[], where: string): (value: string) => boolean {
  const v6 = new CidrMap<true>();
  const v4: [number, number][] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry.trim());
    if (cidr === null)
      throw new RampartError('RAMPART_CONFIG', `${where}: "${entry}" is not an address or network (CIDR)`, [
        { path: where, message: `"${entry}" is not an address or network (CIDR)` },
      ]);
    if (cidr.version === 4) v4.push([cidr.key as number, cidr.bits]);
    else v6.set(cidr, true);
  }
  const ranges = new Ipv4Ranges(v4);
  return (value) => {
    const plain = canonicalIpv4Value(value);
    if (plain !== -1) return ranges.has(plain);
    const ip = parseIp(value);
    if (ip === null) return false;
    return ip.v6 === null ? ranges.has(ip.v4) : v6.match(ip) === true;
  };
}

/** Why an entry is not a network, or null when it is one (for `playbook validate` with file:line). */
export function cidrProblem(entry: string): string | null {
  return parseCidr(entry.trim()) === null ? 'an address or network such as 3.0.0.0/9 or 2a01:4f8::/32' : null;
}
