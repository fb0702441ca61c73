import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeApp {
  url: string;
  /** While false, known-good requests get 503 (the outage). */
  healthy: boolean;
  /** Requests answered so far, by path, without the query. */
  hits: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the fotospiel API behind its gateway, on 127.0.0.1 port 0: the known-good join token gets 200
 * with rate-limit headers (429 after `limit` requests in a row), any other token 404.
 */
export async function startFakeApp(options: { knownToken: string; limit?: number }): Promise<FakeApp> {
  const limit = options.limit ?? 1_000_000;
  let count = 0;
  const app: FakeApp = { url: '', healthy: true, hits: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    app.hits.push(path);
    const match = /^\/api\/v1\/(?:gallery|events)\/([^/]+)/.exec(path);
    const token = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
    count += 1;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - count)),
    };
    if (token !== options.knownToken) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    } else if (count > limit) {
      res.writeHead(429, { ...headers, 'retry-after': '60' }).end('slow down');
    } else if (!app.healthy) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('storage unavailable');
    } else {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end('{"photos":[]}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return app;
}

/** The same monitors, pointed at a local server instead of the playbook's gateway address. */
export function pointAt<T extends { request: { url: string } }>(monitors: readonly T[], base: string): T[] {
  return monitors.map((m) => ({
    ...m,
    request: { ...m.request, url: m.request.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, base) },
  }));
}
