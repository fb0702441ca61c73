/** What a stand-in can be told to do wrong, so a drill has something real to find. */
export const MISBEHAVIOURS = ['none', 'errors', 'slow', 'storage-lost', 'auth-bypass'] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

export interface MisbehaviourState {
  mode: Misbehaviour;
  /** Added to every answer in `slow` mode. */
  delayMs: number;
}

export const DEFAULT_SLOW_MS = 2500;
/** A slow stand-in must still answer: the delay is capped so a drill or a test can never hang on it. */
export const MAX_SLOW_MS = 10_000;

export function isMisbehaviour(value: unknown): value is Misbehaviour {
  return typeof value === 'string' && (MISBEHAVIOURS as readonly string[]).includes(value);
}

export const pause = (ms: number): Promise<void> =>
  new Promise((done) => setTimeout(done, Math.max(0, Math.min(ms, MAX_SLOW_MS))).unref());
