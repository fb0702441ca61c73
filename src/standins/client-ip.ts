import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** 127.0.0.0/8 and ::1 (also as ::ffff:127.x): the hops the stand-ins trust, like Laravel's TrustProxies. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/**
 * The client as an app behind a reverse proxy sees it: X-Forwarded-For walked from the right, skipping
 * loopback hops (the gateway and whoever sent it traffic on this host); the socket peer otherwise.
 */
export function clientIp(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? '0.0.0.0';
  const peerIp = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
  if (!isLoopback(peer)) return peerIp;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  let client = peerIp;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = (hops[i] ?? '').trim();
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isLoopback(hop)) break;
  }
  return client;
}
