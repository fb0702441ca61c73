import { request } from 'undici';
import { redactSecrets, type DeliveryResult } from './channel.js';

export interface PostJsonOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  now: () => Date;
  /** Values that must not appear in a reason (the URL itself when it is the secret, keys, tokens). */
  secrets: readonly (string | undefined)[];
  /** A 2xx whose body still says it failed (PagerDuty answers 2xx only on success; Slack on "ok"). */
  accept?: (status: number, body: string) => boolean;
}

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** "120" or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}

/**
 * POSTs JSON and maps the answer the same way for every HTTP channel: 2xx delivered; 429 retry after
 * Retry-After; 408, 5xx and network errors retry with back-off; any other 4xx is final (the request is wrong
 * and sending it again would not help).
 */
export async function postJson(options: PostJsonOptions): Promise<DeliveryResult> {
  const clean = (text: string): string => redactSecrets(text, [options.url, ...options.secrets]);
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    return { outcome: 'failed', reason: 'the configured URL is not a valid URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { outcome: 'failed', reason: 'the configured URL must be http(s)' };
  }
  try {
    const response = await request(parsed, {
      method: 'POST',
      body: options.body,
      headers: { 'content-type': 'application/json', 'user-agent': 'rampart', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const text = (await response.body.text()).slice(0, 300);
    const status = response.statusCode;
    const what = `HTTP ${status}${text.trim() ? ` ${clean(text.trim())}` : ''}`;
    if (status >= 200 && status < 300) {
      return options.accept && !options.accept(status, text)
        ? { outcome: 'failed', reason: what }
        : { outcome: 'delivered' };
    }
    if (status === 429) {
      const afterMs = parseRetryAfter(response.headers['retry-after'], options.now());
      return afterMs === undefined
        ? { outcome: 'retry', reason: what }
        : { outcome: 'retry', reason: what, afterMs };
    }
    if (status === 408 || status >= 500) return { outcome: 'retry', reason: what };
    return { outcome: 'failed', reason: what };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const name = error instanceof Error ? error.name : 'Error';
    const reason =
      typeof code === 'string' ? code : name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name;
    return { outcome: 'retry', reason: clean(`network error: ${reason}`) };
  }
}
