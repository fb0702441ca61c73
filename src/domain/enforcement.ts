import type { Mitigation, MitigationKind } from './mitigation.js';

/**
 * Where a mitigation takes effect. Rampart's own gateway carries every kind; a CrowdSec bouncer carries address
 * and range blocks only (its decisions are "ban this Ip/Range"); an action hook carries what the playbook's hook
 * says it handles.
 */
export const ENFORCEMENT_POINT_KINDS = ['gateway', 'bouncer', 'hook'] as const;
export type EnforcementPointKind = (typeof ENFORCEMENT_POINT_KINDS)[number];

/**
 * `pending`: claimed by a desk that is running the point's command now. `enforcing`: the point has it. `failed`: the point tried and could not (a hook's non-zero exit or timeout).
 * `removed`: it had it and let it go (lift, expiry).
 */
export type EnforcementState = 'pending' | 'enforcing' | 'failed' | 'removed';

export interface EnforcementRecord {
  mitigationId: string;
  pointKind: EnforcementPointKind;
  /** The gateway's service and host, the bouncer's name, the hook's name. */
  pointName: string;
  state: EnforcementState;
  /** When the point first acknowledged it. */
  since: string;
  updatedAt: string;
  endedAt: string | null;
  /** A hook's exit and output tail; a bouncer's user agent. */
  detail: string | null;
}

/** The kinds a CrowdSec bouncer can carry: a ban of an Ip or a Range. */
export const BOUNCER_KINDS: readonly MitigationKind[] = ['block'];

export function bouncerCanCarry(kind: MitigationKind): boolean {
  return BOUNCER_KINDS.includes(kind);
}

/** A bouncer registered with `rampart bouncers add`: only the SHA-256 of its key is kept. */
export interface Bouncer {
  id: string;
  name: string;
  keyHash: string;
  preview: string;
  createdAt: string;
  lastPullAt: string | null;
  userAgent: string | null;
}

/**
 * How long a gateway or bouncer may go unheard before its holds read as stale rather than enforcing. A bouncer
 * is heard on every pull (CrowdSec bouncers pull every 10 s by default; a live-mode bouncer's queries are
 * recorded once a minute), a gateway every 15 s while it runs. 90 s is several missed pulls, so a crashed or
 * cut-off point stops counting within a minute and a half. Hooks run once and are not heard from again.
 */
export const STALE_AFTER_MS = 90_000;

/** A hold that says enforcing but whose point has not been heard from within `staleAfterMs`. */
export function isStale(r: EnforcementRecord, now: number, staleAfterMs = STALE_AFTER_MS): boolean {
  if (r.state !== 'enforcing' || r.pointKind === 'hook' || r.endedAt !== null) return false;
  return now - Date.parse(r.updatedAt) > staleAfterMs;
}

/** "12s", "5m", "2h": how long ago, for people. */
export function agoText(ms: number): string {
  if (ms < 120_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/** The points that have the mitigation now: enforcing, and (when `now` is given) heard from recently. */
export function enforcingPoints(records: readonly EnforcementRecord[], now?: number): EnforcementRecord[] {
  return records.filter((r) => r.state === 'enforcing' && (now === undefined || !isStale(r, now)));
}

export const NOT_ENFORCED = 'recorded but not enforced';

/** One line for a list: who has it, or that nobody does; a point gone quiet reads as stale, not enforcing. */
export function describeCoverage(m: Mitigation, records: readonly EnforcementRecord[], now: number): string {
  const mine = records.filter((r) => r.mitigationId === m.id);
  const on = enforcingPoints(mine, now);
  const stale = mine
    .filter((r) => isStale(r, now))
    .map(
      (r) => `${r.pointKind} ${r.pointName} stale, last heard ${agoText(now - Date.parse(r.updatedAt))} ago`,
    );
  const staleNote = stale.length > 0 ? ` (${stale.join(', ')})` : '';
  if (on.length > 0) return on.map((r) => `${r.pointKind} ${r.pointName}`).join(', ') + staleNote;
  const failed = mine.filter((r) => r.state === 'failed').map((r) => `${r.pointKind} ${r.pointName} failed`);
  if (failed.length > 0 || stale.length > 0) return `${NOT_ENFORCED} (${[...stale, ...failed].join(', ')})`;
  if (mine.some((r) => r.state === 'removed')) return 'released';
  return NOT_ENFORCED;
}
