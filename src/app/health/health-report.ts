import type { Store } from '../../store/ports.js';
import type { LogSourceStatus } from '../detection-loop.js';

/** One reason Rampart is degraded, for people and for probes: what, where, and since when. */
export interface HealthReason {
  /** Stable code: source-missing, source-stalled, outbox-stuck, outbox-failed. */
  code: 'source-missing' | 'source-stalled' | 'outbox-stuck' | 'outbox-failed';
  message: string;
  service?: string;
  source?: string;
}

export interface HealthInputs {
  store: Store;
  now: () => number;
  sources: () => readonly LogSourceStatus[];
  stalledAfterMs: number;
  outboxStuckAfterMs: number;
}

const ago = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 1000)}s`);

/**
 * What makes Rampart degraded beyond the store being unreachable: a log source whose file is missing or gave no
 * line for `stalledAfterMs`, and notifications that are not going out (the oldest waiting longer than
 * `outboxStuckAfterMs`, or some given up on).
 */
export async function healthReasons(inputs: HealthInputs): Promise<HealthReason[]> {
  const reasons: HealthReason[] = [];
  const now = inputs.now();
  for (const s of inputs.sources()) {
    const where = { service: s.service, source: s.name };
    if (!s.present) {
      reasons.push({ code: 'source-missing', message: `log source ${s.service}/${s.name}: ${s.path} does not exist`, ...where });
      continue;
    }
    const since = s.lastLineAt ?? s.startedAt;
    if (now - since > inputs.stalledAfterMs) {
      reasons.push({
        code: 'source-stalled',
        message: `log source ${s.service}/${s.name}: no new line in ${s.path} for ${ago(now - since)}${s.lastLineAt === null ? ' (none since start-up)' : ''}`,
        ...where,
      });
    }
  }
  const outbox = await inputs.store.controls.outboxSummary();
  if (outbox.oldestPendingAt !== null) {
    const age = now - Date.parse(outbox.oldestPendingAt);
    if (age > inputs.outboxStuckAfterMs) {
      reasons.push({
        code: 'outbox-stuck',
        message: `${outbox.pending} notification(s) waiting; the oldest for ${ago(age)}`,
      });
    }
  }
  if (outbox.failed > 0) {
    reasons.push({ code: 'outbox-failed', message: `${outbox.failed} notification(s) failed after every retry` });
  }
  return reasons;
}
