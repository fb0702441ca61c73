import type { Socket } from 'node:net';
import type { RequestEvent } from '../../domain/request-event.js';
import type { CidrMap } from '../../shared/net/index.js';
import { ipPrefix, parseIp } from '../../shared/net/index.js';

const BODY = JSON.stringify({ error: { code: 'request-timeout', message: 'The request head arrived too slowly.' } });
const RESPONSE = 'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\n'
  + `content-length: ${Buffer.byteLength(BODY)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${BODY}`;

/**
 * node:http gave up on a request head (headersTimeout): answer 408 when nothing else is being written on the
 * connection, then close it. Called from the server's clientError handler for ERR_HTTP_REQUEST_TIMEOUT.
 */
export function answerHeaderTimeout(socket: Socket): void {
  const inResponse = (socket as Socket & { _httpMessage?: unknown })._httpMessage != null;
  if (socket.writable && !inResponse) {
    socket.write(RESPONSE);
    socket.destroySoon();
  } else {
    socket.destroy();
  }
}

/**
 * The event for a head that never completed. Only the socket is known: no method, path or headers, so no
 * forwarded address either. A peer that is a trusted proxy is not the client, so its address is left out rather
 * than handed to a rule that might block the proxy.
 */
export function headerTimeoutEvent(socket: Socket, service: string, source: string, trusted: CidrMap<unknown>,
  time: number, timeoutMs: number): RequestEvent {
  const peer = socket.remoteAddress === undefined ? null : parseIp(socket.remoteAddress);
  const client = peer !== null && trusted.match(peer) === undefined ? peer : null;
  return {
    time,
    service,
    source,
    method: '',
    path: '',
    query: null,
    route: null,
    host: null,
    status: 408,
    durationMs: timeoutMs,
    bytes: socket.bytesWritten,
    ip: client?.text ?? null,
    ipPrefix: client === null ? null : ipPrefix(client),
    tokenHash: null,
    tokenPreview: null,
    subject: null,
    tenant: null,
    event: null,
    userAgent: null,
    decision: 'slow-client',
    rule: 'slow-client:header-timeout',
    spoofedForwardedFor: false,
    message: `request head not complete within ${timeoutMs / 1000} s`,
    level: null,
    fields: { routeName: null, bytesIn: socket.bytesRead, completed: false },
  };
}
