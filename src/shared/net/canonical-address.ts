import { parseCidr } from './cidr-map.js';

/**
 * An address or range as the gateway sees it: "::ffff:192.0.2.9" is "192.0.2.9", "10.1.2.3/8" is "10.0.0.0/8"; a
 * bare address stays bare. Text that is neither is returned as it is (its validation happens elsewhere).
 */
export function canonicalAddress(text: string): string {
  const cidr = parseCidr(text);
  if (cidr === null) return text;
  return text.includes('/') ? cidr.text : cidr.text.replace(/\/(32|128)$/, '');
}
