/**
 * One request of the model as the gateway sees it before deciding: who sent it, what it asked for, what the
 * app would answer. The gateway decision (rate limits) is taken later, by the real guard (gateway-decision.ts).
 */
export interface ModelRequest {
  /** Epoch ms. */
  time: number;
  /** The client address the trusted proxy wrote (or the peer, for a client that is not behind one). */
  ip: string;
  method: string;
  /** Path as sent, the raw join token in it for path-token routes. */
  path: string;
  /** Raw query string without "?", or null. */
  query: string | null;
  /** What the app answers when the gateway lets the request through. */
  status: number;
  bytes: number;
  durationMs: number;
  userAgent: string;
  /** A JWT's subject the gateway would read from a verified token (6FB). */
  subject?: string;
  /** A JWT the gateway refuses (forged signature, expired): 401 "invalid" before any guard. */
  badToken?: boolean;
  /** X-Forwarded-For sent by a peer that is not a trusted proxy: ignored, the peer is the client. */
  spoofed?: boolean;
  /** The attack this request belongs to, or null for ordinary traffic. */
  attack: string | null;
}

/** An attack mixed into the traffic, and what catching it means. */
export interface AttackInfo {
  name: string;
  title: string;
  /** Which drill of src/drills/catalog it models, if any. */
  drill?: string;
  /** Caught by the gateway's own limits when its requests get 429 (no rule needed): the XFF-spoofing drill. */
  caughtByLimits?: boolean;
}

/** A generated stretch of one service's traffic, sorted by time. */
export interface Scenario {
  name: string;
  service: string;
  title: string;
  start: number;
  end: number;
  requests: ModelRequest[];
  attacks: AttackInfo[];
  /** What the ordinary traffic is made of, for the report. */
  description: string[];
}
