import { recordAction, type DeskContext } from '../desk/index.js';
import { isStale, NOT_ENFORCED } from '../domain/enforcement.js';
import { shownTarget } from '../domain/mitigation.js';
import type { Playbook } from '../playbook/index.js';
import type { Logger } from '../shared/logger.js';

const MAX_IN_FORCE = 10_000;
const DEFAULT_ACK_WITHIN_MS = 30_000;
/** How often a mitigation found enforced is looked at again (its gateway or bouncer may have gone quiet). */
const RECHECK_MS = 30_000;

export interface CoverageWatch {
  /** One look: marks mitigations older than their service's ack_within that no point holds. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * A mitigation nothing enforces must not read as applied. Once a mitigation has stood for its playbook's
 * `enforcement.ack_within` with no gateway, bouncer or hook holding it, it is marked (once, in the store) and
 * its incident's timeline says "recorded but not enforced"; `rampart mitigations` says the same from the
 * records, and stops saying it as soon as a point takes it. A gateway or bouncer that has gone quiet (stale, see
 * STALE_AFTER_MS) does not count: a mitigation found enforced is looked at again every 30 s, so one whose only
 * point crashed is marked too.
 */
export function watchCoverage(options: {
  playbooks: readonly Playbook[];
  ctx: DeskContext;
  logger: Logger;
  intervalMs?: number;
}): CoverageWatch {
  const { ctx, logger } = options;
  const ackWithin = new Map(options.playbooks.map((p) => [p.service.name, p.enforcement.ack_within]));
  /** When each mitigation was last looked at (marked ones: never again); pruned to what is in force. */
  const looked = new Map<string, number>();
  let running: Promise<void> | undefined;

  const pass = async () => {
    const now = ctx.clock.now();
    const inForce = await ctx.store.mitigations.list({ inForceAt: now.toISOString(), limit: MAX_IN_FORCE });
    const ids = new Set(inForce.map((m) => m.id));
    for (const id of looked.keys()) if (!ids.has(id)) looked.delete(id);
    const at = now.getTime();
    const due = inForce.filter(
      (m) =>
        at - (looked.get(m.id) ?? Number.NEGATIVE_INFINITY) >= RECHECK_MS &&
        Date.parse(m.createdAt) + (ackWithin.get(m.service) ?? DEFAULT_ACK_WITHIN_MS) <= at,
    );
    if (due.length === 0) return;
    const records = await ctx.store.enforcement.list(due.map((m) => m.id));
    for (const m of due) {
      looked.set(m.id, at);
      if (records.some((r) => r.mitigationId === m.id && r.state === 'enforcing' && !isStale(r, at)))
        continue;
      looked.set(m.id, Number.POSITIVE_INFINITY);
      if (!(await ctx.store.enforcement.markUnenforced(m.id, now.toISOString()))) continue;
      const tried = records
        .filter((r) => r.mitigationId === m.id)
        .map((r) => `${r.pointKind} ${r.pointName} ${isStale(r, at) ? 'stale' : r.state}`);
      const summary = `${m.kind} ${shownTarget(m)} is ${NOT_ENFORCED}: no gateway, bouncer or hook has it${tried.length > 0 ? ` (${tried.join(', ')})` : ''}`;
      logger.warn({ mitigation: m.id, service: m.service }, summary);
      if (m.incidentId) {
        await recordAction({
          ctx,
          input: { id: m.incidentId, summary, data: { mitigation: m.id, enforced: false } },
        });
      } else {
        await ctx.store.audit.append({
          at: now.toISOString(),
          actor: ctx.actor,
          action: 'mitigation.unenforced',
          target: m.id,
          details: { summary },
        });
      }
    }
  };

  const check = () => {
    running ??= pass()
      .catch((error: unknown) => logger.warn({ err: error }, 'coverage check failed; retrying'))
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 1000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
