import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_JSON_BODY = 64 * 1024;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A small JSON body, or null when it is missing, too large or not an object. */
export async function readJson(
  req: IncomingMessage,
  limit = MAX_JSON_BODY,
): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  if (size === 0) return null;
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Reads and drops whatever body is left, so keep-alive connections stay usable. */
export function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S{1,8192})$/i.exec(header);
  return m?.[1] ?? null;
}
