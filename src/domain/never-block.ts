import { BlockList, isIP } from 'node:net';
import type { MitigationKind } from './mitigation.js';

/** One protected thing and why it is protected ("never_block.addresses", "monitor gallery-ok"). */
export interface Protected {
  value: string;
  why: string;
}

/**
 * What no mitigation may touch, compiled from the playbook's `never_block` at start-up: address ranges, token
 * hashes (never the tokens) and JWT subjects.
 */
export interface NeverBlockList {
  addresses: Protected[];
  /** Keyed hashes of the protected tokens. */
  tokenHashes: Protected[];
  subjects: Protected[];
}

export const EMPTY_NEVER_BLOCK: NeverBlockList = { addresses: [], tokenHashes: [], subjects: [] };

interface Range {
  address: string;
  bits: number;
  family: 'ipv4' | 'ipv6';
}

function rangeOf(text: string): Range | null {
  const [address = '', bits] = text.split('/');
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  return { address, bits: bits === undefined ? max : Number(bits), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Two ranges overlap when one holds the other's first address (CIDR ranges nest or are disjoint). */
function overlaps(a: Range, b: Range): boolean {
  if (a.family !== b.family) return false;
  const inside = (outer: Range, inner: Range) => {
    const list = new BlockList();
    list.addSubnet(outer.address, outer.bits, outer.family);
    return list.check(inner.address, inner.family);
  };
  return inside(a, b) || inside(b, a);
}

/**
 * Why a mitigation of this kind on this target would touch the list, or null when it does not. A block touches
 * a protected address when the ranges overlap either way (blocking 10.0.0.0/8 blocks the protected 10.1.2.3, and
 * blocking 10.1.2.3 blocks a protected 10.0.0.0/8's member); a revocation touches a protected token or subject;
 * revoke-all touches every protected subject.
 */
export function neverBlockConflict(list: NeverBlockList, kind: MitigationKind, target: string): string | null {
  switch (kind) {
    case 'block': {
      const range = rangeOf(target);
      if (range === null) return null;
      for (const p of list.addresses) {
        const protectedRange = rangeOf(p.value);
        if (protectedRange !== null && overlaps(range, protectedRange)) return `${target} covers ${p.value} (${p.why})`;
      }
      return null;
    }
    case 'revoke-token': {
      const hit = list.tokenHashes.find((p) => p.value === target);
      return hit ? `the token is protected (${hit.why})` : null;
    }
    case 'revoke-subject': {
      const hit = list.subjects.find((p) => p.value === target);
      return hit ? `subject ${target} is protected (${hit.why})` : null;
    }
    case 'revoke-all': {
      // An issued-before epoch ends JWT sessions; join tokens carry no issue time and are not touched by it.
      const first = list.subjects[0];
      return first ? `revoking every session would revoke subject ${first.value}'s (${first.why})` : null;
    }
    default:
      return null;
  }
}
