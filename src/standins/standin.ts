import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Misbehaviour } from './misbehaviour.js';

/** One stand-in upstream: a real node:http server, told to misbehave by a function or its control route. */
export interface Standin {
  name: 'guest-api' | 'booking-api';
  server: Server;
  /** Resolves to the URL it serves on (port 0 picks a free one). */
  listen(port: number, host?: string): Promise<string>;
  misbehave(mode: Misbehaviour, delayMs?: number): void;
  mode(): Misbehaviour;
  close(): Promise<void>;
}

export function listenOn(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}
