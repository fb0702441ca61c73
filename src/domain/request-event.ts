/**
 * The one event model the gateway emits per request and every log parser produces per line.
 * A token appears only as its keyed hash and a short preview.
 */
export const DECISIONS = [
  'allowed',
  'maintenance',
  'switched-off',
  'blocked',
  'revoked',
  'rate-limited',
  'upstream-error',
  'invalid',
  /** A request head or body that arrived too slowly (408, or the connection closed). */
  'slow-client',
  /** Too many requests in progress from one address or prefix (429). */
  'concurrency-limited',
  /** Every upstream connection busy and the queue for them full (503). */
  'overloaded',
] as const;

/** What the gateway (or a log line) decided about a request; the one list every validator reads. */
export type Decision = (typeof DECISIONS)[number];

export interface RequestEvent {
  /** Epoch milliseconds: the event's own time drives the detector's windows. */
  time: number;
  service: string;
  source: string;
  method: string;
  /** The path without its query; "" when the request line could not be read (see fields.request). */
  path: string;
  /**
   * The query string without its "?", null when there was none. Values of parameters named like secrets
   * (token, key, signature, password …) are "[redacted]" (src/shared/redact-query.ts).
   */
  query: string | null;
  /** Route template or name, e.g. "/api/v1/events/{token}/photos". */
  route: string | null;
  host: string | null;
  status: number;
  durationMs: number | null;
  bytes: number | null;
  ip: string | null;
  /** /24 for IPv4, /64 for IPv6. */
  ipPrefix: string | null;
  tokenHash: string | null;
  tokenPreview: string | null;
  subject: string | null;
  tenant: string | null;
  event: string | null;
  userAgent: string | null;
  decision: Decision;
  /** The guard or rule that made the decision, e.g. "rate-limit:per-ip". */
  rule: string | null;
  /** A forwarded header arrived from a peer that is not a trusted proxy. */
  spoofedForwardedFor: boolean;
  /** Log message or error text, for log sources. */
  message: string | null;
  level: string | null;
  /** Any further parsed fields, addressable by rules. */
  fields: Record<string, string | number | boolean | null>;
}
