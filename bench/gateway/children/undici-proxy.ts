/** Candidate (e): the bare proxy — node:http in, an undici Pool out, the response streamed, no guard at all. */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { announce, exitWith, requiredArg } from './lifecycle.js';

const pool = new Pool(requiredArg('upstream'), { connections: 128, keepAliveTimeout: 4_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'te', 'trailer']);

const server = createServer((req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined && !HOP.has(name)) headers[name] = value;
  }
  const hasBody = req.headers['transfer-encoding'] !== undefined
    || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  pool.stream(
    { path: req.url ?? '/', method: (req.method ?? 'GET'), headers, body: hasBody ? req : null, opaque: res },
    ({ statusCode, headers: h, opaque }) => {
      const out = opaque as ServerResponse;
      delete h.connection;
      delete h['keep-alive'];
      out.writeHead(statusCode, h as Record<string, string | string[]>);
      return out;
    },
    (error) => {
      if (error === null) return;
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    },
  );
});
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
exitWith(async () => {
  server.closeAllConnections();
  server.close();
  await pool.close();
});
