import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request, type Dispatcher } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): unknown;
}

const agents = new Map<string, HttpAgent>();

/**
 * One keep-alive node:http agent per local source address (127.0.0.2 … to present an untrusted loopback
 * peer): undici's connector does not bind a local address, node:http's does.
 */
function agentFor(localAddress: string): HttpAgent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new HttpAgent({ keepAlive: true, maxSockets: 32, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export function closeAgents(): Promise<void> {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
  return Promise.resolve();
}

function sendFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        agent: agentFor(localAddress),
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url} within ${init.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** One bounded HTTP request; the body is always read, so connections are reused. */
export async function send(
  url: string,
  init: {
    method?: Dispatcher.HttpMethod;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  if (init.localAddress !== undefined) return sendFrom(init.localAddress, url, init);
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
    headersTimeout: init.timeoutMs ?? 10_000,
    bodyTimeout: init.timeoutMs ?? 10_000,
  });
  const text = await res.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    status: res.statusCode,
    headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** Runs `count` requests, at most `concurrency` at a time; returns the answers in order. */
export async function sendMany(
  count: number,
  concurrency: number,
  one: (i: number) => Promise<Answer>,
): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      answers[i] = await one(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return answers;
}

/** "25×404, 3×429" */
export function statusSummary(answers: { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}×${s}`)
    .join(', ');
}
