/** The one small upstream every candidate proxies to: a small JSON body, keep-alive, nothing else. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, exitWith } from './lifecycle.js';

const body = Buffer.from(JSON.stringify({ data: [{ id: 1, url: '/storage/p/1.jpg' }, { id: 2, url: '/storage/p/2.jpg' }], meta: { total: 2 } }));
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
exitWith(() => {
  server.closeAllConnections();
  server.close();
});
