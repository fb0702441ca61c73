import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { RequestEvent } from '../../domain/request-event.js';
import { ManualClock } from '../../shared/clock.js';
import { compileGatewayConfig, type GatewayConfigInput } from '../config.js';
import { createGateway, type Gateway, type GatewayOptions } from '../proxy.js';
import { MemoryState } from '../state/memory-state.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

/** Answers 200 with JSON describing what arrived, after reading the whole body. */
export const echo: UpstreamHandler = (_req, res, seen) => {
  res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive', 'x-upstream': 'yes' });
  res.end(JSON.stringify({ url: seen.url, bytes: seen.bytes }));
};

export interface Harness {
  gateway: Gateway;
  state: MemoryState;
  clock: ManualClock;
  events: RequestEvent[];
  seen: SeenRequest[];
  upstream: Server;
  /** Gateway base URL, e.g. http://127.0.0.1:41234 or http://[::1]:41234. */
  base: string;
  send(path: string, init?: SendInit): Promise<Reply>;
  close(): Promise<void>;
}

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

export interface HarnessOptions {
  gateway?: GatewayConfigInput['gateway'];
  routes?: GatewayConfigInput['service']['routes'];
  timeout?: string;
  host?: '127.0.0.1' | '::1';
  handler?: UpstreamHandler;
  env?: Record<string, string>;
  options?: Partial<GatewayOptions>;
  /** Point the gateway at a closed port instead of the upstream. */
  upstreamDown?: boolean;
  /** The upstream starts reading each request body only this long after it arrived (a slow app). */
  upstreamReadDelayMs?: number;
}

export const ROUTES = [
  { name: 'health', pattern: '/health' },
  { name: 'event-photos', pattern: '/api/v1/events/{token}/photos' },
  { name: 'events', pattern: '/api/v1/events/{token}/*' },
  { name: 'gallery', pattern: '/api/v1/gallery/{token}/*' },
  { name: 'bookings', pattern: '/bookings/*' },
];

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const host = o.host ?? '127.0.0.1';
  const seen: SeenRequest[] = [];
  const handler = o.handler ?? echo;
  const upstream = createServer((req, res) => {
    const s: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes: 0 };
    seen.push(s);
    const read = (): void => {
      req.on('data', (chunk: Buffer) => (s.bytes += chunk.length));
      req.on('end', () => handler(req, res, s));
    };
    if (o.upstreamReadDelayMs === undefined) read();
    else setTimeout(read, o.upstreamReadDelayMs);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  let upstreamPort = (upstream.address() as AddressInfo).port;
  if (o.upstreamDown === true) {
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  }
  const config = compileGatewayConfig(
    {
      service: {
        name: 'fotospiel',
        upstream: { url: `http://127.0.0.1:${upstreamPort}`, timeout: o.timeout ?? '5s' },
        routes: o.routes ?? ROUTES,
      },
      ...(o.gateway === undefined ? {} : { gateway: o.gateway }),
    },
    o.env ?? {},
  );
  const clock = new ManualClock('2026-01-05T10:00:00.000Z');
  const state = new MemoryState({ clock });
  const events: RequestEvent[] = [];
  const gateway = createGateway(config, {
    tokenHashKey: 'test-key',
    clock,
    state,
    onEvent: (e) => events.push(e),
    ...o.options,
  });
  const address = await gateway.listen(0, host);
  const base = host === '::1' ? `http://[::1]:${address.port}` : `http://127.0.0.1:${address.port}`;
  const agent = new Agent({ keepAliveTimeout: 1000 });
  upstreamPort = 0;
  return {
    gateway, state, clock, events, seen, upstream, base,
    async send(path, init = {}) {
      const r = await request(base + path, {
        dispatcher: agent,
        method: (init.method ?? 'GET') as 'GET',
        ...(init.headers === undefined ? {} : { headers: init.headers }),
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      const text = await r.body.text();
      return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) as unknown };
    },
    async close() {
      await agent.close();
      await gateway.close();
      if (upstream.listening) {
        upstream.closeAllConnections();
        await new Promise<void>((resolve) => upstream.close(() => resolve()));
      }
    },
  };
}

/** Waits until the gateway has emitted n events (the event is emitted when the response closes). */
export async function eventsArrive(h: Harness, n: number): Promise<RequestEvent[]> {
  for (let i = 0; i < 200 && h.events.length < n; i++) await new Promise((r) => setImmediate(r));
  return h.events;
}

/** Sends bytes exactly as given (clients normalise paths and own Connection) and returns the raw response. */
export function sendRaw(h: Harness, head: string): Promise<string> {
  const url = new URL(h.base);
  return new Promise((resolve, rejectRaw) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', rejectRaw);
    socket.write(head);
  });
}
