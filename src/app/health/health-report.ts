import { isStale, STALE_AFTER_MS, type EnforcementRecord } from '../../domain/enforcement.js';
import type { Store } from '../../store/ports.js';
import type { LogSourceStatus } from '../detection-loop.js';

/** One reason Rampart is degraded, for people and for probes: what, where, and since when. */
export interface HealthReason {
  /** Stable code: source-missing, source-stalled, outbox-stuck, outbox-failed, enforcement-stale. */
  code: 'source-missing' | 'source-stalled' | 'outbox-stuck' | 'outbox-failed' | 'enforcement-stale';
  message: string;
  service?: string;
  source?: string;
  /** The gateway or bouncer gone quiet, e.g. "bouncer edge-nginx". */
  point?: string;
}

export interface HealthInputs {
  store: Store;
  now: () => number;
  sources: () => readonly LogSourceStatus[];
  stalledAfterMs: number;
  outboxStuckAfterMs: number;
  /** A gateway or bouncer unheard for longer is stale (STALE_AFTER_MS by default). */
  enforcementStaleAfterMs?: number;
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
  reasons.push(...(await staleEnforcement(inputs.store, now, inputs.enforcementStaleAfterMs ?? STALE_AFTER_MS)));
  return reasons;
}

/**
 * Gateways and bouncers that went quiet: one that still holds mitigations in force (they count as not
 * enforced until it is heard from again), and a bouncer that pulled before and stopped (crashed, cut off, or
 * gone without `rampart bouncers delete`).
 */
async function staleEnforcement(store: Store, now: number, staleAfterMs: number): Promise<HealthReason[]> {
  const open = [
    ...(await store.enforcement.listOpen('gateway', 1000)),
    ...(await store.enforcement.listOpen('bouncer', 1000)),
  ].filter((r) => isStale(r, now, staleAfterMs));
  const held = new Map<string, EnforcementRecord[]>();
  if (open.length > 0) {
    const inForce = new Set(
      (await store.mitigations.list({ inForceAt: new Date(now).toISOString(), limit: 10_000 })).map((m) => m.id),
    );
    for (const r of open) {
      if (!inForce.has(r.mitigationId)) continue;
      const point = `${r.pointKind} ${r.pointName}`;
      held.set(point, [...(held.get(point) ?? []), r]);
    }
  }
  const reasons: HealthReason[] = [];
  for (const [point, records] of held) {
    const last = Math.max(...records.map((r) => Date.parse(r.updatedAt)));
    reasons.push({
      code: 'enforcement-stale',
      message: `${point} holds ${records.length} mitigation(s) in force but has not been heard from for ${ago(now - last)}; they do not count as enforced`,
      point,
    });
  }
  for (const b of await store.bouncers.list()) {
    const point = `bouncer ${b.name}`;
    if (b.lastPullAt === null || held.has(point)) continue;
    const quiet = now - Date.parse(b.lastPullAt);
    if (quiet <= staleAfterMs) continue;
    reasons.push({
      code: 'enforcement-stale',
      message: `${point} has not pulled for ${ago(quiet)} (rampart bouncers delete ${b.name} if it is gone)`,
      point,
    });
  }
  return reasons;
}
