import { createHash } from 'node:crypto';
import type { Mitigation } from '../domain/mitigation.js';

/**
 * A decision in the shape of CrowdSec's Local API (pkg/models Decision), so existing bouncers read Rampart's
 * blocks unchanged: a ban of an `Ip` or a `Range`, with the time left as a Go duration string.
 */
export interface CrowdsecDecision {
  duration: string;
  id: number;
  origin: string;
  scenario: string;
  scope: 'Ip' | 'Range';
  type: 'ban';
  until?: string;
  uuid: string;
  value: string;
}

export const DECISION_ORIGIN = 'rampart';

/** What a bouncer is told about a block with no expiry: ten years, as CrowdSec has no "forever". */
const NO_EXPIRY_MS = 10 * 365 * 86_400_000;

/** Go's time.Duration.String() of a whole number of seconds (CrowdSec rounds to the second): "3h59m58s". */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  let rest = Math.abs(total);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** A block's address or range as CrowdSec scopes them: a single address (or /32, /128) is an Ip, else a Range. */
export function scopeOf(target: string): { scope: 'Ip' | 'Range'; value: string } {
  const [address = target, bits] = target.split('/');
  if (bits === undefined) return { scope: 'Ip', value: target };
  const full = address.includes(':') ? '128' : '32';
  return bits === full ? { scope: 'Ip', value: address } : { scope: 'Range', value: target };
}

/**
 * CrowdSec's decision ids are integers. Rampart's are "mit-" and 8 hex digits, which read as a number as they
 * are; any other id gets the first 48 bits of its SHA-256 (an exact integer in JSON).
 */
export function decisionId(mitigationId: string): number {
  const hex = /^mit-([0-9a-f]{8})$/.exec(mitigationId)?.[1];
  if (hex !== undefined) return Number.parseInt(hex, 16);
  return Number.parseInt(createHash('sha256').update(mitigationId).digest('hex').slice(0, 12), 16);
}

/** "rampart/<rule>" for a detector's block (its reason starts "rule <name>:"), "rampart/manual" otherwise. */
export function scenarioOf(m: Mitigation): string {
  const rule = /^rule ([\w.-]+):/.exec(m.reason)?.[1];
  return `${DECISION_ORIGIN}/${rule ?? 'manual'}`;
}

export function toDecision(m: Mitigation, now: Date): CrowdsecDecision {
  const { scope, value } = scopeOf(m.target);
  const left = m.expiresAt === null ? NO_EXPIRY_MS : Date.parse(m.expiresAt) - now.getTime();
  return {
    duration: goDuration(left),
    id: decisionId(m.id),
    origin: DECISION_ORIGIN,
    scenario: scenarioOf(m),
    scope,
    type: 'ban',
    ...(m.expiresAt !== null ? { until: m.expiresAt } : {}),
    uuid: m.id,
    value,
  };
}
