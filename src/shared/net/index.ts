export {
  embeddedIpv4,
  formatIpv4,
  formatIpv6,
  ipPrefix,
  parseIp,
  parseIpWithPort,
  parseIpv6Words,
  type ParsedIp,
} from './ip.js';
export { CidrMap, parseCidr, type Cidr } from './cidr-map.js';
export { canonicalAddress } from './canonical-address.js';
