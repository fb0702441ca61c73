import type { ErrorDetail } from '../../shared/errors.js';
import type { Decision } from '../../domain/request-event.js';
import type { GatewayConfig } from '../config.js';
import type { RequestContext } from '../request-context.js';
import type { GatewayState } from '../state/gateway-state.js';
import type { RateLimiter } from '../state/rate-limiter.js';

/** A refused request: the JSON body `{ error: { code, message } }`, its status and what the event records. */
export interface Rejection {
  status: number;
  code: string;
  message: string;
  decision: Decision;
  rule: string;
  retryAfterSeconds: number | null;
  /** What and where, in the error catalog's shape (src/shared/errors.ts). */
  details?: ErrorDetail[];
}

export type Verdict = Rejection | null;

/**
 * One guard, one file, one shape. check() answers synchronously whenever the state can (the memory state
 * always can), so the request path makes no promise per guard; a guard may return a promise only when its
 * backend must wait (a shared rate limiter).
 */
export interface Guard {
  readonly name: string;
  check(ctx: RequestContext): Verdict | Promise<Verdict>;
}

export interface GuardDeps {
  config: GatewayConfig;
  state: GatewayState;
  limiter: RateLimiter;
}

export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
