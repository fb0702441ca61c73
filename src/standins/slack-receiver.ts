import { createServer, type Server } from 'node:http';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { sendJson } from './http-helpers.js';
import { openLog } from './log-writer.js';
import { listenOn } from './standin.js';

const MAX_BODY = 256 * 1024;
const MAX_KEPT = 200;

export interface SlackReceiver {
  server: Server;
  /** Every message received, newest last (the last MAX_KEPT). */
  messages: { at: string; path: string; body: unknown }[];
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A local Slack incoming webhook for the demo: POST any path records the Block Kit body (and appends it to a
 * JSON-lines file when given), GET /messages lists them. It answers "ok", as Slack does.
 */
export function createSlackReceiver(
  options: { logFile?: string; clock?: Clock; onMessage?: (body: unknown) => void } = {},
): SlackReceiver {
  const clock = options.clock ?? systemClock;
  const log = options.logFile ? openLog(options.logFile) : null;
  const messages: SlackReceiver['messages'] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/messages') return sendJson(res, 200, { messages });
    if (req.method !== 'POST') {
      req.resume();
      return sendJson(res, 405, { message: 'POST a Slack message' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return sendJson(res, 413, { message: 'too large' });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return void res.end('invalid_payload');
      }
      const entry = { at: clock.now().toISOString(), path: req.url ?? '/', body };
      messages.push(entry);
      if (messages.length > MAX_KEPT) messages.shift();
      log?.write(JSON.stringify(entry));
      options.onMessage?.(body);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  return {
    server,
    messages,
    listen: (port, host) => listenOn(server, port, host),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await log?.close();
    },
  };
}

/** The header line of a Slack Block Kit message, for printing "Slack: [SEV-2] …" in a terminal. */
export function slackHeadline(body: unknown): string {
  if (typeof body !== 'object' || body === null) return String(body);
  const b = body as { text?: unknown; blocks?: { type?: unknown; text?: { text?: unknown } }[] };
  const header = b.blocks?.find((x) => x.type === 'header')?.text?.text;
  if (typeof header === 'string') return header;
  return typeof b.text === 'string' ? b.text : JSON.stringify(body).slice(0, 200);
}
