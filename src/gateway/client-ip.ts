import type { CidrMap } from '../shared/net/index.js';
import { ipPrefix, parseIp, type ParsedIp } from '../shared/net/index.js';

export interface ClientIp {
  ip: ParsedIp;
  /** /24 for IPv4, /64 for IPv6. */
  prefix: string;
  /** A forwarding header came from a peer that is not a trusted proxy, and was ignored. */
  spoofedForwardedFor: boolean;
  /** The socket peer is a trusted proxy (its X-Forwarded-* may be kept when forwarding). */
  peerTrusted: boolean;
}

const UNKNOWN: ParsedIp = { version: 4, text: '0.0.0.0', v4: 0, v6: null };

/**
 * The client is the socket peer, unless the peer is a trusted proxy: then the forwarding chain (Forwarded
 * `for=` when present, else X-Forwarded-For) is walked right to left, skipping trusted hops; the first
 * untrusted hop is the client. Headers from an untrusted peer are ignored and flagged, since anyone can
 * write them.
 */
export function resolveClientIp(
  peerAddress: string | undefined,
  forwardedFor: string | undefined,
  forwarded: string | undefined,
  trusted: CidrMap<true>,
): ClientIp {
  const peer = (peerAddress === undefined ? null : parseIp(peerAddress)) ?? UNKNOWN;
  const hasHeader = forwardedFor !== undefined || forwarded !== undefined;
  if (!hasHeader) return { ip: peer, prefix: ipPrefix(peer), spoofedForwardedFor: false, peerTrusted: false };
  if (trusted.match(peer) === undefined) {
    return { ip: peer, prefix: ipPrefix(peer), spoofedForwardedFor: true, peerTrusted: false };
  }
  const hops = forwarded !== undefined ? forwardedHops(forwarded) : forwardedFor?.split(',') ?? [];
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(stripPort(hops[i] ?? ''));
    // An unparseable hop ("unknown", an obfuscated id) ends the walk: the nearest known hop is the best answer.
    if (hop === null) break;
    client = hop;
    if (trusted.match(hop) === undefined) break;
  }
  return { ip: client, prefix: ipPrefix(client), spoofedForwardedFor: false, peerTrusted: true };
}

/** RFC 7239: `for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"` → the for= values in order. */
function forwardedHops(header: string): string[] {
  const hops: string[] = [];
  for (const element of header.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      hops.push(pair.slice(eq + 1).trim().replace(/^"|"$/g, ''));
    }
  }
  return hops;
}

/** "[2001:db8::1]:4711" → "2001:db8::1", "192.0.2.1:80" → "192.0.2.1"; bare addresses unchanged. */
function stripPort(hop: string): string {
  const text = hop.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end === -1 ? text : text.slice(1, end);
  }
  const colon = text.indexOf(':');
  if (colon !== -1 && text.indexOf(':', colon + 1) === -1) return text.slice(0, colon);
  return text;
}
