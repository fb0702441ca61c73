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

/** The points that have the mitigation now (enforcing), for people: "gateway guest-api@host since 12:00:01". */
export function enforcingPoints(records: readonly EnforcementRecord[]): EnforcementRecord[] {
  return records.filter((r) => r.state === 'enforcing');
}

export const NOT_ENFORCED = 'recorded but not enforced';

/** One line for a list: who has it, or that nobody does. */
export function describeCoverage(m: Mitigation, records: readonly EnforcementRecord[]): string {
  const mine = records.filter((r) => r.mitigationId === m.id);
  const on = enforcingPoints(mine);
  if (on.length > 0) return on.map((r) => `${r.pointKind} ${r.pointName}`).join(', ');
  const failed = mine.filter((r) => r.state === 'failed');
  if (failed.length > 0)
    return `${NOT_ENFORCED} (${failed.map((r) => `${r.pointKind} ${r.pointName} failed`).join(', ')})`;
  if (mine.some((r) => r.state === 'removed')) return 'released';
  return NOT_ENFORCED;
}
