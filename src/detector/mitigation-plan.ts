import type { EscalationPolicy } from '../domain/escalation.js';
import type { MitigationKind } from '../domain/mitigation.js';
import { DEFAULT_ESCALATE_RESET_MS } from '../playbook/describe.js';
import type { RequestEvent } from '../domain/request-event.js';
import type { MitigationSpec, Playbook } from '../playbook/index.js';

/** A mitigation the playbook asks for, made concrete for one signal: what the desk would apply. */
export interface PlannedMitigation {
  kind: MitigationKind;
  target: string;
  forMs?: number;
  data?: Record<string, string | number>;
  /** Repeat offenders get longer: the desk picks forMs from the target's earlier mitigations. */
  escalate?: EscalationPolicy;
  /** For people: "block 203.0.113.0/24 for 1h". */
  label: string;
}

export type MitigationPlan =
  | { kind: 'apply'; mitigations: PlannedMitigation[] }
  /** Manual steps, notifications, or nothing concrete to act on (e.g. no token among the events). */
  | { kind: 'suggest'; text: string };

function mostFrequent(values: Iterable<string | null>): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let bestCount = 0;
  for (const value of values) {
    if (value === null) continue;
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

const forLabel = (ms: number | undefined) =>
  ms === undefined ? 'until lifted' : `for ${Math.round(ms / 60_000)}m`;

/**
 * Turns a rule's mitigation spec into concrete mitigations, taking the target from the events behind the
 * signal (the offending /24, the leaked token's hash, the subject) — never from a raw token.
 */
export function planMitigation(
  spec: MitigationSpec,
  events: readonly RequestEvent[],
  playbook: Playbook,
): MitigationPlan {
  // With escalation the first step stands in for `for` until the desk has looked at the target's history.
  const forMs = spec.escalate?.[0] ?? spec.for;
  const base = {
    ...(forMs !== undefined ? { forMs } : {}),
    ...(spec.escalate
      ? { escalate: { stepsMs: spec.escalate, resetMs: spec.escalate_reset ?? DEFAULT_ESCALATE_RESET_MS } }
      : {}),
  };
  const one = (
    kind: MitigationKind,
    target: string | undefined,
    label: string,
    data?: Record<string, string | number>,
  ): MitigationPlan =>
    target === undefined
      ? { kind: 'suggest', text: `${label}: no target found among the signal's events` }
      : {
          kind: 'apply',
          mitigations: [
            { kind, target, ...base, ...(data ? { data } : {}), label: `${label} ${forLabel(forMs)}` },
          ],
        };

  switch (spec.action) {
    case 'block': {
      if (spec.target === 'cidrs') {
        return {
          kind: 'apply',
          mitigations: (spec.cidrs ?? []).map((cidr) => ({
            kind: 'block' as const,
            target: cidr,
            ...base,
            label: `block ${cidr} ${forLabel(forMs)}`,
          })),
        };
      }
      const target =
        spec.target === 'ip_prefix'
          ? mostFrequent(events.map((e) => e.ipPrefix))
          : mostFrequent(events.map((e) => e.ip));
      return one('block', target, `block ${target ?? 'the client'}`);
    }
    case 'throttle':
      return one('limit-override', spec.limit, `tighten ${spec.limit} to ${spec.to}`, { limit: spec.to });
    case 'revoke-token': {
      const hash = mostFrequent(events.map((e) => e.tokenHash));
      const preview = events.find((e) => e.tokenHash === hash)?.tokenPreview ?? '?';
      return one('revoke-token', hash, `revoke token ${preview}`, { preview });
    }
    case 'revoke-jti': {
      const jti = mostFrequent(events.map((e) => (typeof e.fields.jti === 'string' ? e.fields.jti : null)));
      return one('revoke-jti', jti, `revoke jti ${jti ?? '?'}`);
    }
    case 'revoke-subject': {
      const subject = mostFrequent(events.map((e) => e.subject));
      return one('revoke-subject', subject, `revoke the sessions of ${subject ?? '?'}`);
    }
    case 'revoke-all':
      return one('revoke-all', '*', 'revoke every session');
    case 'switch-off':
      return one('switch-off', spec.switch, `switch off ${spec.switch}`);
    case 'maintenance': {
      const banner = spec.banner ?? playbook.gateway?.maintenance?.banner;
      const routes = spec.routes ?? ['*'];
      return {
        kind: 'apply',
        mitigations: routes.map((route) => ({
          kind: 'maintenance' as const,
          target: route,
          ...base,
          ...(banner ? { data: { banner } } : {}),
          label: `maintenance on ${route === '*' ? 'every route' : route} ${forLabel(forMs)}`,
        })),
      };
    }
    case 'manual':
      return { kind: 'suggest', text: spec.command ? `${spec.text} (${spec.command})` : spec.text };
    case 'notify':
      return {
        kind: 'suggest',
        text: `notify ${spec.audience}${spec.template ? ` with ${spec.template}` : ''}`,
      };
  }
}
