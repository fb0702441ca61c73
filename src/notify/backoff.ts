export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** After this many attempts a message that keeps asking for a retry is given up as failed. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, capMs: 3_600_000, maxAttempts: 8 };

/**
 * Exponential back-off with ±20 % jitter, so receivers that failed together are not retried together;
 * `attempt` counts from 1. `random` is injectable for tests.
 */
export function backoffMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const raw = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}
