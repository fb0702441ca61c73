import { shownTarget, type Mitigation } from '../domain/mitigation.js';
import { formatDuration } from '../shared/duration.js';
import type { Logger } from '../shared/logger.js';
import type { DeskContext } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordMitigationChange } from './record-change.js';

/** Expiries noted per pass; the rest wait for the next one (a desk back after a long stop catches up). */
const PER_PASS = 100;

/**
 * Notes the temporary mitigations whose expiry has passed: one timeline entry on the incident ("block
 * 203.0.113.0/24 expired after 1h") or an audit row, and the `mitigation.expired` desk event, which the notifier
 * routes into the outbox in the same transaction. Each expiry is claimed in the store first (`noteExpiry`), so
 * with several desks on one database exactly one notes it; an extended mitigation no longer matches its old
 * expiry. Returns what this call noted.
 */
export async function noteExpiredMitigations(ctx: DeskContext): Promise<Mitigation[]> {
  const now = ctx.clock.now().toISOString();
  const noted: Mitigation[] = [];
  for (const m of await ctx.store.mitigations.listExpiredUnnoted(now, PER_PASS)) {
    if (m.expiresAt === null) continue;
    const expiresAt = m.expiresAt;
    const done = await deskTransaction(ctx, async (tx, tell) => {
      const claimed = await tx.mitigations.noteExpiry(m.id, expiresAt, now);
      if (!claimed) return undefined;
      const lasted = formatDuration(Date.parse(expiresAt) - Date.parse(claimed.createdAt));
      const summary = `${claimed.kind} ${shownTarget(claimed)} expired after ${lasted}`;
      const details = {
        mitigation: claimed.id,
        kind: claimed.kind,
        target: shownTarget(claimed),
        expiredAt: expiresAt,
        reason: 'expired',
      };
      await recordMitigationChange(tx, ctx, claimed, { summary, data: details, action: 'mitigation.expire' });
      await tell({ type: 'mitigation.expired', mitigation: claimed });
      return claimed;
    });
    if (done) noted.push(done);
  }
  return noted;
}

export interface ExpiryWatch {
  /** One pass (tests drive it with a ManualClock). */
  check(): Promise<Mitigation[]>;
  stop(): void;
}

/** Runs `noteExpiredMitigations` every `intervalMs` (5 s by default), one pass at a time. */
export function watchExpiries(options: {
  ctx: DeskContext;
  logger: Logger;
  intervalMs?: number;
}): ExpiryWatch {
  let running: Promise<Mitigation[]> | undefined;
  const check = () => {
    running ??= noteExpiredMitigations(options.ctx)
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'noting expired mitigations failed; retrying');
        return [];
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 5_000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
