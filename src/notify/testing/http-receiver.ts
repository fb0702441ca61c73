import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Answers, in order, for the next requests; once used up, every request gets `fallback`. */
  script(...responses: ScriptedResponse[]): void;
  /** Requests the receiver answered 2xx: what a real service would have accepted. */
  accepted(): ReceivedRequest[];
  /** Forgets recorded requests and unused scripted answers. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, that records every request and answers from a script. `check` runs
 * on each request first; when it returns a reason the receiver answers 400, as a strict real service would.
 */
export async function startHttpReceiver(
  options: {
    fallback?: ScriptedResponse;
    check?: (request: ReceivedRequest) => string | undefined;
    /** Answers this long after the request arrived: a slow receiver (Slack taking 9 s). */
    delayMs?: number;
  } = {},
): Promise<HttpReceiver> {
  const timers = new Set<NodeJS.Timeout>();
  const requests: ReceivedRequest[] = [];
  const answered: boolean[] = [];
  const queue: ScriptedResponse[] = [];
  const fallback = options.fallback ?? { status: 200, body: 'ok' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const problem = options.check?.(request);
      const answer: ScriptedResponse =
        problem !== undefined ? { status: 400, body: problem } : (queue.shift() ?? fallback);
      answered.push(answer.status >= 200 && answer.status < 300);
      const respond = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (!options.delayMs) return respond();
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, options.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...responses) => queue.push(...responses),
    accepted: () => requests.filter((_, i) => answered[i]),
    reset() {
      requests.length = 0;
      answered.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
