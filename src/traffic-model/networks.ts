import type { Random } from './random.js';

/**
 * The networks the seeds' users come from. Addresses are real-looking public IPv4 (documentation ranges are
 * too small to hold a Saturday), chosen from ranges that are not in playbooks/lists/datacentre-ranges.txt,
 * except the data-centre networks, which are.
 */

/** A mobile carrier's carrier-grade NAT: many subscribers share a pool of public addresses over a few /24s. */
export interface Carrier {
  name: string;
  /** The /24s of its NAT pool ("80.187.12"). */
  subnets: string[];
}

function subnets(r: Random, firstTwo: readonly string[], count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(`${r.pick(firstTwo)}.${r.int(0, 255)}`);
  return [...out];
}

/** Three carriers, each with a pool of 8 /24s × 64 addresses in two /16s. */
export function carriers(r: Random): Carrier[] {
  return [
    { name: 'carrier-a', subnets: subnets(r, ['80.187', '80.226'], 8) },
    { name: 'carrier-b', subnets: subnets(r, ['109.40', '109.41'], 8) },
    { name: 'carrier-c', subnets: subnets(r, ['176.0', '176.1'], 8) },
  ];
}

/** An address of the carrier's pool; a phone gets a new one now and then (the NAT rebinds). */
export function carrierAddress(r: Random, carrier: Carrier): string {
  return `${r.pick(carrier.subnets)}.${r.int(1, 64)}`;
}

const HOME_PREFIXES = ['84.130', '84.150', '84.171', '87.122', '87.160', '91.3', '91.40', '93.192', '93.220', '94.134', '95.90', '79.200', '77.180', '217.80', '217.230'];

/** A household's DSL or cable address: one address for the whole home, spread over many /16s. */
export function homeAddress(r: Random): string {
  return `${r.pick(HOME_PREFIXES)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

/** A venue's (or an office's) one public address behind which its Wi-Fi is NATed. */
export function businessAddress(r: Random): string {
  return `${r.pick(['62.153', '62.214', '81.14', '81.169', '85.214', '89.12', '194.25', '212.227'])}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

/** Data-centre /24s (Hetzner, OVH, AWS eu-central-1, DigitalOcean), all in the shipped data-centre list. */
export const DATACENTRE_SUBNETS = ['88.198.34', '5.9.120', '51.75.61', '3.121.18', '164.90.201'];

/** A residential botnet's address: anywhere, a different /16 almost every time. */
export function botAddress(r: Random): string {
  return `${r.int(60, 220)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}
