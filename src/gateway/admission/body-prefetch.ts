import type { IncomingMessage } from 'node:http';

/**
 * Holds a request body back from the upstream until the client has shown it: either the whole body arrived
 * (handed on as one Buffer) or `limit` bytes did (the request itself is handed on, the bytes read so far put back
 * in front with unshift, so the upstream still gets the body as a stream and nothing is copied). A drip upload
 * never gets that far before the rate watchdog refuses it, so it never holds an upstream connection — the same
 * reason nginx's request buffering protects its upstreams, with a bound on memory per request.
 */
export type PrefetchedBody = Buffer | IncomingMessage;

interface Prefetch<T> {
  chunks: Buffer[];
  bytes: number;
  limit: number;
  owner: T;
  ready: (owner: T, body: PrefetchedBody) => void;
}

const kPrefetch = Symbol('rampart.prefetch');
type Tagged = IncomingMessage & { [kPrefetch]?: Prefetch<unknown> | undefined };

export function prefetchBody<T>(req: IncomingMessage, limit: number, owner: T,
  ready: (owner: T, body: PrefetchedBody) => void): void {
  if (limit <= 0) return ready(owner, req);
  (req as Tagged)[kPrefetch] = { chunks: [], bytes: 0, limit, owner, ready } as Prefetch<unknown>;
  req.on('data', onData);
  req.on('end', onEnd);
}

/** Stops a prefetch that will not complete (the request was refused or abandoned); true if one was running. */
export function stopPrefetch(req: IncomingMessage): boolean {
  const tagged = req as Tagged;
  if (tagged[kPrefetch] === undefined) return false;
  tagged[kPrefetch] = undefined;
  req.removeListener('data', onData);
  req.removeListener('end', onEnd);
  return true;
}

function onData(this: Tagged, chunk: Buffer): void {
  const p = this[kPrefetch];
  if (p === undefined) return;
  p.chunks.push(chunk);
  p.bytes += chunk.length;
  if (p.bytes < p.limit) return;
  stopPrefetch(this);
  this.pause();
  for (let i = p.chunks.length - 1; i >= 0; i--) this.unshift(p.chunks[i]);
  p.ready(p.owner, this);
}

function onEnd(this: Tagged): void {
  const p = this[kPrefetch];
  if (p === undefined) return;
  stopPrefetch(this);
  p.ready(p.owner, p.chunks.length === 1 ? (p.chunks[0] as Buffer) : Buffer.concat(p.chunks, p.bytes));
}
