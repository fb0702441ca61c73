import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Workspace {
  cwd: string;
  upstreamUrl: string;
  /** Requests the stand-in upstream received, as "METHOD path". */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A temp working directory holding the shipped playbooks with every upstream pointed at one small local
 * upstream that answers 200 with what it was asked. The playbooks are otherwise unchanged.
 */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

const answerOk: UpstreamHandler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
};

export async function createWorkspace(handler: UpstreamHandler = answerOk): Promise<Workspace> {
  const seen: string[] = [];
  const upstream: Server = createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    handler(req, res);
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const cwd = mkdtempSync(join(tmpdir(), 'rampart-ws-'));
  copyPlaybooks(cwd, { guest: upstreamUrl, booking: upstreamUrl });
  return {
    cwd,
    upstreamUrl,
    seen,
    async close() {
      upstream.closeAllConnections();
      await new Promise<void>((done) => upstream.close(() => done()));
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/**
 * Copies the shipped playbooks into `cwd`/playbooks with the guest upstream (8081) and the booking upstream
 * (8082) pointed at the given URLs; nothing else changes.
 */
export function copyPlaybooks(cwd: string, upstreams: { guest: string; booking: string }): void {
  // Whole tree: playbooks read list files (lists/, packs/) next to themselves.
  cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
  for (const file of readdirSync(resolve('playbooks')).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(resolve('playbooks', file), 'utf8')
      .replace(/url: http:\/\/127\.0\.0\.1:8081/g, `url: ${upstreams.guest}`)
      .replace(/url: http:\/\/127\.0\.0\.1:8082/g, `url: ${upstreams.booking}`);
    writeFileSync(join(cwd, 'playbooks', file), text);
  }
}

/** Polls `probe` until it returns true or the deadline passes; returns the milliseconds it took. */
export async function waitFor(
  probe: () => Promise<boolean>,
  deadlineMs = 5000,
  stepMs = 10,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((done) => setTimeout(done, stepMs));
  }
  throw new Error(`condition not met within ${deadlineMs} ms`);
}
