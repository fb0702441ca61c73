import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Forwarder {
  /** http://127.0.0.1:PORT, known before the target exists. */
  url: string;
  /** Where connections go from now on (a URL; only its port and host are used). */
  pointAt(target: string): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 port 0. A playbook's monitor URLs name the gateway's address, which is only known
 * once the app listens on port 0; the playbook can name this forwarder instead and the forwarder is pointed at
 * the gateway afterwards. Connections before `pointAt` are closed.
 */
export async function startForwarder(): Promise<Forwarder> {
  let target: { host: string; port: number } | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pointAt(url) {
      const u = new URL(url);
      target = { host: u.hostname, port: Number(u.port) };
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}
