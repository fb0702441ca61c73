import { ipPrefix, parseIp, parseIpWithPort, type CidrMap, type ParsedIp } from '../shared/net/index.js';

/** The forwarding headers a proxy in front of the gateway may write; a trusted range names the one it writes. */
export const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;
export type ForwardingHeader = (typeof FORWARDING_HEADERS)[number];

/** Trusted proxy ranges, each with the header its proxy writes. */
export type TrustedProxies = CidrMap<ForwardingHeader>;

/** The forwarding headers of one request, as received (repeated headers joined with ", "). */
export interface ForwardingValues {
  'x-forwarded-for'?: string | undefined;
  forwarded?: string | undefined;
  'x-real-ip'?: string | undefined;
}

export interface ClientIp {
  ip: ParsedIp;
  /** /24 for IPv4, /64 for IPv6. */
  prefix: string;
  /**
   * A forwarding header was ignored because no trusted proxy wrote it: sent by an untrusted peer, or a header
   * other than the one the trusted proxy writes that names another address (or none).
   */
  spoofedForwardedFor: boolean;
  /** The socket peer is a trusted proxy. */
  peerTrusted: boolean;
  /** The header the trusted peer writes (kept when forwarding); null when the peer is not trusted. */
  proxyHeader: ForwardingHeader | null;
  /**
   * X-Forwarded-For for the upstream: the judged client, the trusted hops after it, then the peer. Hops left of
   * the client (written by the client itself) are not passed on, so the app reads the address the gateway judged.
   */
  forwardedFor: string;
}

const UNKNOWN: ParsedIp = { version: 4, text: '0.0.0.0', v4: 0, v6: null };

/**
 * The client is the socket peer, unless the peer is a trusted proxy: then the chain of the header that proxy
 * writes (trusted_proxies: X-Forwarded-For by default, or Forwarded `for=`, or X-Real-IP) is walked right to
 * left, skipping trusted hops; the first untrusted hop is the client. Every other forwarding header is
 * ignored, whoever sent it: a proxy that appends X-Forwarded-For passes a client's own `Forwarded` on untouched.
 */
export function resolveClientIp(
  peerAddress: string | undefined,
  values: ForwardingValues,
  trusted: TrustedProxies,
): ClientIp {
  const peer = (peerAddress === undefined ? null : parseIp(peerAddress)) ?? UNKNOWN;
  const peerText = peerAddress ?? peer.text;
  const proxyHeader = trusted.size === 0 ? undefined : trusted.match(peer);
  const present = values['x-forwarded-for'] !== undefined || values.forwarded !== undefined
    || values['x-real-ip'] !== undefined;
  if (proxyHeader === undefined) {
    return { ip: peer, prefix: ipPrefix(peer), spoofedForwardedFor: present, peerTrusted: false, proxyHeader: null,
      forwardedFor: peerText };
  }
  const written = values[proxyHeader];
  const hops = written === undefined ? [] : proxyHeader === 'forwarded' ? forwardedHops(written) : written.split(',');
  let client = peer;
  let forwardedFor = peerText;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIpWithPort(hops[i] ?? '');
    // An unparseable hop ("unknown", an obfuscated id) ends the walk: the nearest known hop is the best answer.
    if (hop === null) break;
    client = hop;
    forwardedFor = `${hop.text}, ${forwardedFor}`;
    if (trusted.match(hop) === undefined) break;
  }
  let spoofed = false;
  for (const name of FORWARDING_HEADERS) {
    const value = name === proxyHeader ? undefined : values[name];
    if (value !== undefined && !namesOnly(name, value, client)) spoofed = true;
  }
  return { ip: client, prefix: ipPrefix(client), spoofedForwardedFor: spoofed, peerTrusted: true, proxyHeader,
    forwardedFor };
}

/** Whether an ignored header names the judged client and nothing else (nginx's X-Real-IP beside its XFF). */
function namesOnly(name: ForwardingHeader, value: string, client: ParsedIp): boolean {
  const hops = name === 'forwarded' ? forwardedHops(value) : value.split(',');
  if (hops.length === 0) return false;
  for (const hop of hops) if (parseIpWithPort(hop)?.text !== client.text) return false;
  return true;
}

/** RFC 7239: `for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"` → the for= values in order. */
export function forwardedHops(header: string): string[] {
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
