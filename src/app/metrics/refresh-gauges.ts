import type { Metrics } from '../../shared/metrics.js';
import type { Store } from '../../store/ports.js';
import type { DetectionLoop } from '../detection-loop.js';
import type { RunningGateway } from '../start-gateways.js';

/** The figures read at scrape time rather than counted as they happen: limiter keys, sources, lag, outbox. */
export async function refreshGauges(deps: {
  metrics: Metrics;
  store: Store;
  now: () => number;
  detection: DetectionLoop;
  gateways: () => readonly RunningGateway[];
}): Promise<void> {
  const { metrics } = deps;
  const now = deps.now();
  for (const g of deps.gateways()) {
    for (const { limit, keys } of g.limiterKeys()) metrics.limiterKeys.set({ service: g.service, limit }, keys);
  }
  for (const s of deps.detection.sources()) {
    const labels = { service: s.service, source: s.name };
    metrics.logSourceUp.set(labels, s.present ? 1 : 0);
    metrics.logLastLineAge.set(labels, Math.max(0, now - (s.lastLineAt ?? s.startedAt)) / 1000);
    // Present from the first scrape, so a source that never gave a line shows 0 rather than nothing.
    metrics.logLinesRead.inc(labels, 0);
    metrics.logLinesRefused.inc(labels, 0);
  }
  for (const [service, lagMs] of deps.detection.lagMs()) metrics.detectorLag.set({ service }, lagMs / 1000);
  metrics.detectorQueue.set(deps.detection.queued());
  const outbox = await deps.store.controls.outboxSummary();
  metrics.outboxPending.set(outbox.pending);
  metrics.outboxFailed.set(outbox.failed);
  metrics.outboxOldestAge.set(
    outbox.oldestPendingAt === null ? 0 : Math.max(0, now - Date.parse(outbox.oldestPendingAt)) / 1000,
  );
}
