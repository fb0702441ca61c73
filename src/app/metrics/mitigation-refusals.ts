import type { Mitigation, MitigationKind } from '../../domain/mitigation.js';
import { MITIGATION_KINDS } from '../../domain/mitigation.js';
import type { RequestEvent } from '../../domain/request-event.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';
import type { Store } from '../../store/ports.js';

/** The mitigation behind a refusal, when one is: its id and kind. */
export interface RefusedBy {
  id: string | null;
  kind: MitigationKind;
}

const KINDS = new Set<string>(MITIGATION_KINDS);

/**
 * Counts the requests each mitigation refused. The gateway names most mitigations in the event's rule
 * (`block:<id>`, `revoke-token:<id>`, `maintenance:<id>`); a switch, a subject revocation, revoke-all and a
 * limit override are found among the mitigations in force. Counts go to the metric (ids only while in force, so
 * the label stays bounded) and, every few seconds, to the store, which keeps the total since the mitigation began.
 */
export class MitigationRefusals {
  private inForce = new Map<string, Mitigation>();
  private pending = new Map<string, { count: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { store: Store; clock: Clock; metrics: Metrics; logger: Logger; flushMs?: number },
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.flushing = this.flushing.then(() => this.tick());
    }, this.deps.flushMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  applied(m: Mitigation): void {
    this.inForce.set(m.id, m);
  }

  lifted(m: Mitigation): void {
    this.inForce.delete(m.id);
    this.forget(m);
  }

  /** Not yet written to the store: the API adds it so a count is exact at once. */
  unflushed(id: string): number {
    return this.pending.get(id)?.count ?? 0;
  }

  /** Which mitigation refused this request, if a mitigation did. */
  refusedBy(event: RequestEvent): RefusedBy | null {
    const rule = event.rule;
    if (rule === null || event.decision === 'allowed') return null;
    const colon = rule.indexOf(':');
    const prefix = colon === -1 ? rule : rule.slice(0, colon);
    const rest = colon === -1 ? '' : rule.slice(colon + 1);
    const find = (test: (m: Mitigation) => boolean): Mitigation | undefined => {
      let best: Mitigation | undefined;
      for (const m of this.inForce.values()) {
        if (m.service === event.service && test(m) && (!best || m.createdAt > best.createdAt)) best = m;
      }
      return best;
    };
    switch (prefix) {
      case 'block':
      case 'revoke-token':
      case 'revoke-jti':
      case 'maintenance':
        return { id: rest || null, kind: prefix };
      case 'switch': {
        const m = find((x) => x.kind === 'switch-off' && x.target === rest);
        return m ? { id: m.id, kind: 'switch-off' } : null;
      }
      case 'revoke-subject': {
        const m = find((x) => x.kind === 'revoke-subject' && x.target === event.subject);
        return { id: m?.id ?? null, kind: 'revoke-subject' };
      }
      case 'revoke-all': {
        const m = find((x) => x.kind === 'revoke-all');
        return { id: m?.id ?? null, kind: 'revoke-all' };
      }
      case 'rate-limit': {
        const m = find((x) => x.kind === 'limit-override' && x.target === rest);
        return m ? { id: m.id, kind: 'limit-override' } : null;
      }
      default:
        return KINDS.has(prefix) ? { id: rest || null, kind: prefix as MitigationKind } : null;
    }
  }

  /** Counts a refused request against its mitigation. */
  count(event: RequestEvent, by: RefusedBy): void {
    if (by.id === null) return;
    const known = this.inForce.get(by.id);
    // An id the gateway names is one its state holds, i.e. in force; the desk may not have told us yet.
    this.deps.metrics.mitigationRefused.inc({ service: event.service, kind: known?.kind ?? by.kind, mitigation: by.id });
    const entry = this.pending.get(by.id);
    if (entry) {
      entry.count++;
      entry.at = Math.max(entry.at, event.time);
    } else this.pending.set(by.id, { count: 1, at: event.time });
  }

  private async tick(): Promise<void> {
    try {
      await this.flush();
      await this.refresh();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'mitigation refusal counts not saved; retrying');
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.entries()];
    this.pending = new Map();
    try {
      await this.deps.store.controls.addRefusals(
        batch.map(([mitigationId, d]) => ({ mitigationId, count: d.count, at: new Date(d.at).toISOString() })),
      );
    } catch (error) {
      // Put them back: counted on the next flush.
      for (const [id, d] of batch) {
        const now = this.pending.get(id);
        this.pending.set(id, { count: d.count + (now?.count ?? 0), at: Math.max(d.at, now?.at ?? 0) });
      }
      throw error;
    }
  }

  /** Mitigations applied or lifted by other processes; a mitigation no longer in force leaves the metric. */
  private async refresh(): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    const list = await this.deps.store.mitigations.list({ inForceAt: now, limit: 10_000 });
    const next = new Map(list.map((m) => [m.id, m]));
    for (const [id, m] of this.inForce) if (!next.has(id)) this.forget(m);
    this.inForce = next;
  }

  private forget(m: Mitigation): void {
    this.deps.metrics.mitigationRefused.remove({ service: m.service, kind: m.kind, mitigation: m.id });
  }
}
