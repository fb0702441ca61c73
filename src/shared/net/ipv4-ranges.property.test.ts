import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCidrMatcher } from '../../detector/rules/matchers/cidr-matcher.js';
import { CidrMap, parseCidr, parseIp } from './index.js';
import { canonicalIpv4Value } from './ipv4-ranges.js';

const octet = fc.integer({ min: 0, max: 255 });
const address = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const network = fc
  .tuple(address, fc.integer({ min: 0, max: 32 }))
  .map(([a, bits]) => `${a}/${bits}`);

describe('a CIDR list in a rule filter (sorted ranges)', () => {
  it('answers as the gateway CIDR table answers, for any list and any address in any written form', () => {
    fc.assert(
      fc.property(fc.array(network, { minLength: 1, maxLength: 40 }), fc.array(address, { maxLength: 40 }), (list, addresses) => {
        const table = new CidrMap<true>();
        for (const entry of list) table.set(parseCidr(entry)!, true);
        const matcher = compileCidrMatcher(list, 'test');
        // Addresses near the list's edges as well as random ones, in dotted and IPv4-mapped forms.
        const edges = list.flatMap((entry) => {
          const cidr = parseCidr(entry)!;
          const first = cidr.key as number;
          const last = first + 2 ** (32 - cidr.bits) - 1;
          return [first - 1, first, last, last + 1]
            .filter((v) => v >= 0 && v <= 0xffffffff)
            .map((v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.'));
        });
        for (const a of [...addresses, ...edges])
          for (const form of [a, `::ffff:${a}`]) expect(matcher(form), `${form} in ${list.join(' ')}`).toBe(table.match(parseIp(form)!) === true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads exactly the addresses already in parseIp\'s canonical IPv4 form, and leaves every other form to parseIp', () => {
    fc.assert(
      fc.property(fc.oneof(address, fc.string({ maxLength: 16 }), fc.stringMatching(/^[0-9.]{1,16}$/), address.map((a) => a.replace(/^(\d)/, '0$1'))), (text) => {
        const parsed = parseIp(text);
        const plain = canonicalIpv4Value(text);
        if (plain !== -1) expect(parsed).toMatchObject({ version: 4, v4: plain });
        // Leading zeros, spaces, IPv6 forms: parseIp folds them; the fast path leaves them alone.
        else if (parsed?.version === 4) expect(parsed.text).not.toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('matches IPv6 networks of the list and nothing for text that is not an address', () => {
    const matcher = compileCidrMatcher(['2a01:4f8::/32', '198.51.100.0/24'], 'test');
    expect(matcher('2a01:4f8:1:2::3')).toBe(true);
    expect(matcher('2a01:4f9::1')).toBe(false);
    expect(matcher('64:ff9b::198.51.100.9')).toBe(true);
    expect(matcher('198.51.101.1')).toBe(false);
    expect(matcher('not an address')).toBe(false);
  });
});
