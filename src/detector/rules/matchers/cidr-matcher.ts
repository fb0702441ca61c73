import { CidrMap, parseCidr } from '../../../shared/net/cidr-map.js';
import { parseIp } from '../../../shared/net/ip.js';
import { RampartError } from '../../../shared/errors.js';

/**
 * A list of networks compiled once into the gateway's own CIDR table (the one its blocks use): a lookup costs
 * one probe per prefix length in the list, however many networks it holds. A value that is not an address
 * matches nothing. An entry that is not a network fails at load, naming it.
 */
export function compileCidrMatcher(entries: readonly string[], where: string): (value: string) => boolean {
  const map = new CidrMap<true>();
  for (const entry of entries) {
    const cidr = parseCidr(entry.trim());
    if (cidr === null)
      throw new RampartError('RAMPART_CONFIG', `${where}: "${entry}" is not an address or network (CIDR)`, [
        { path: where, message: `"${entry}" is not an address or network (CIDR)` },
      ]);
    map.set(cidr, true);
  }
  return (value) => {
    const ip = parseIp(value);
    return ip !== null && map.match(ip) === true;
  };
}

/** Why an entry is not a network, or null when it is one (for `playbook validate` with file:line). */
export function cidrProblem(entry: string): string | null {
  return parseCidr(entry.trim()) === null ? 'an address or network such as 3.0.0.0/9 or 2a01:4f8::/32' : null;
}
