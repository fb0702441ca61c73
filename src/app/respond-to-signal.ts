import { isIP } from 'node:net';
import {
  blastRadius,
  compileFilter,
  exceedsCap,
  planMitigation,
  routeNamesOf,
  type Detector,
  type DetectorSignal,
} from '../detector/index.js';
import {
  applyIncidentMitigationOnce,
  attachEvidence,
  completeAutomaticSteps,
  escalateMitigation,
  ingestSignal,
  recordAction,
  type DeskContext,
} from '../desk/index.js';
import type { Incident } from '../domain/incident.js';
import { SCOPE_FIELD_LIMIT, tokenCount } from '../domain/scope.js';
import type { RequestEvent } from '../domain/request-event.js';
import type { Playbook } from '../playbook/index.js';
import { formatDuration } from '../shared/duration.js';
import { RampartError } from '../shared/errors.js';
import { visibleFields, visibleText } from '../shared/visible-text.js';

export interface SignalOutcome {
  incident: Incident | null;
  joined: boolean;
  /** Ids of the mitigations applied for this signal. */
  applied: string[];
}

/**
 * What the desk does with a detector signal, as the playbook says: open or join the incident, freeze the
 * evidence snapshot, tick the checklist steps that run by themselves, and weigh the rule's mitigation — its blast
 * radius on the timeline first, then applied, or held for a responder when it exceeds the playbook's cap.
 * A shadow rule only records what it would have done, in the audit log.
 */
export async function respondToSignal(
  ctx: DeskContext,
  detector: Detector,
  playbook: Playbook,
  signal: DetectorSignal,
): Promise<SignalOutcome> {
  const at = Date.parse(signal.at);
  const rule = detector.rules.find((r) => r.service === signal.service && r.name === signal.rule);
  const evidenceMs = playbook.detection.evidence_window;
  const behind = detector.recent.snapshot({
    keys: [signal.groupKey],
    ...(rule ? { rule } : {}),
    from: at - evidenceMs,
    to: at,
  });

  if (signal.shadow) {
    const plan = signal.mitigation ? planMitigation(signal.mitigation, behind.events, playbook) : undefined;
    await ctx.store.audit.append({
      at: ctx.clock.now().toISOString(),
      actor: ctx.actor,
      action: 'signal.shadow',
      target: signal.fingerprint,
      details: {
        rule: signal.rule,
        groupKey: signal.groupKey,
        value: signal.value,
        threshold: signal.threshold,
        wouldApply: plan?.kind === 'apply' ? plan.mitigations.map((m) => m.label) : (plan?.text ?? null),
      },
    });
    return { incident: null, joined: false, applied: [] };
  }

  const { incident, joined } = await ingestSignal({
    ctx,
    input: {
      service: signal.service,
      rule: signal.rule,
      fingerprint: signal.fingerprint,
      title: signal.title,
      ...(signal.severity ? { severity: signal.severity } : {}),
      ...(signal.type ? { type: signal.type } : {}),
      groupKey: signal.groupKey,
      correlate: signal.correlate,
      value: signal.value,
      threshold: signal.threshold,
      windowMs: signal.windowMs,
      at: signal.at,
      scope: scopeOf(culprits(playbook, signal.rule, behind.events), signal.scope),
      ...(signal.samples ? { samples: signal.samples } : {}),
    },
  });

  // Only the desk whose signal opened the incident freezes the evidence and ticks the steps that stand for it:
  // the database chose exactly one opener, so two desks handling one attack write one snapshot.
  if (!joined) {
    await attachEvidence({
      ctx,
      input: {
        id: incident.id,
        title: `${formatDuration(evidenceMs)} evidence snapshot for ${signal.rule} (${signal.groupKey})`,
        from: new Date(behind.from).toISOString(),
        to: new Date(behind.to).toISOString(),
        hash: behind.hash,
        events: behind.events.map(evidenceEvent),
        truncated: behind.truncated,
      },
    });
    await completeAutomaticSteps({
      ctx,
      input: {
        id: incident.id,
        automatic: 'evidence-snapshot',
        note: `${behind.events.length} events frozen`,
      },
    });
    const s = incident.scope;
    await completeAutomaticSteps({
      ctx,
      input: {
        id: incident.id,
        automatic: 'scope',
        note: `${s.ips.length} IPs, ${tokenCount(s)} tokens, ${s.tenants.length} tenants, ${s.events.length} events`,
      },
    });
  }

  const applied: string[] = [];
  if (signal.kind !== 'fired' || !signal.mitigation) return { incident, joined, applied };
  const plan = planMitigation(signal.mitigation, behind.events, playbook);
  // The checklist's automatic "decide mitigation" step: done by the mitigation itself (apply-mitigation.ts),
  // or left to a person here, with the reason on the step.
  const holdStep = (note: string) =>
    completeAutomaticSteps({
      ctx,
      input: { id: incident.id, automatic: 'mitigation', outcome: 'held', note },
    });
  if (plan.kind === 'suggest') {
    await recordAction({ ctx, input: { id: incident.id, summary: `suggested: ${plan.text}` } });
    await holdStep(`a person decides: ${plan.text}`);
    return { incident, joined, applied };
  }
  const capWindow = playbook.detection.blast_radius_cap?.window ?? evidenceMs;
  const recent = detector.recent.snapshot({ from: at - capWindow, to: at }).events;
  const inForce = await ctx.store.mitigations.list({
    incidentId: incident.id,
    inForceAt: ctx.clock.now().toISOString(),
  });
  for (const m of plan.mitigations) {
    // Another desk (or this one, on an earlier episode) already has it in force: nothing to weigh again.
    if (inForce.some((x) => x.kind === m.kind && x.target === m.target)) continue;
    const radius = blastRadius(m, recent, playbook, capWindow);
    const over = exceedsCap(radius, playbook);
    await recordAction({
      ctx,
      input: {
        id: incident.id,
        summary: `blast radius of ${m.label}: ${radius.requests} requests, ${radius.tenants} tenants, ${radius.clients} clients in the last ${formatDuration(capWindow)}`,
        data: { mitigation: m.label, ...radius },
      },
    });
    if (!signal.mitigation.automatic) {
      await recordAction({
        ctx,
        input: {
          id: incident.id,
          summary: `suggested (the playbook does not apply it by itself): ${m.label}`,
        },
      });
      await holdStep(`suggested, a person applies it: ${m.label}`);
      continue;
    }
    if (over) {
      await recordAction({
        ctx,
        input: { id: incident.id, summary: `held for a responder: ${m.label} (${over})`, data: { held: m } },
      });
      await holdStep(`approval needed: ${m.label} (${over})`);
      continue;
    }
    // A repeat offender: the target's earlier mitigations choose the lifetime, recorded with the level and why.
    const step = m.escalate
      ? await escalateMitigation(ctx, {
          service: signal.service,
          kind: m.kind,
          target: m.target,
          policy: m.escalate,
        })
      : undefined;
    const forMs = step?.forMs ?? m.forMs;
    const data = step ? { ...m.data, escalation_level: step.level, escalation: step.why } : m.data;
    try {
      // Every desk that saw the attack fire may get here; the first applies, the others find its mitigation.
      const { mitigation, applied: fresh } = await applyIncidentMitigationOnce({
        ctx,
        input: {
          service: signal.service,
          kind: m.kind,
          target: m.target,
          reason: `rule ${signal.rule}: ${signal.title}${step ? ` (${step.why})` : ''}`,
          incidentId: incident.id,
          ...(forMs !== undefined ? { forMs } : {}),
          ...(data ? { data } : {}),
        },
      });
      if (fresh) applied.push(mitigation.id);
    } catch (error) {
      const protectedTarget = error instanceof RampartError && error.code === 'RAMPART_PROTECTED';
      // The step says what happened: refused by never_block (already on the timeline), or failed to apply.
      await completeAutomaticSteps({
        ctx,
        input: {
          id: incident.id,
          automatic: 'mitigation',
          outcome: 'failed',
          note: `${m.label} not applied: ${error instanceof Error ? error.message : String(error)}`,
        },
      });
      // never_block: the other planned mitigations still go ahead; any other refusal fails the signal's handling.
      if (!protectedTarget) throw error;
    }
  }
  return { incident, joined, applied };
}

/**
 * The events that make the case. For an error-ratio rule those are the errors: a client whose requests succeeded
 * in the same window is not in the incident's scope.
 */
function culprits(
  playbook: Playbook,
  ruleName: string,
  events: readonly RequestEvent[],
): readonly RequestEvent[] {
  const trigger = playbook.detection.rules.find((r) => r.name === ruleName)?.trigger;
  if (trigger?.type !== 'ratio') return events;
  const isError = compileFilter(
    trigger.errors,
    routeNamesOf(playbook),
    `detection.rules[${ruleName}].trigger.errors`,
  );
  return events.filter(isError);
}

/** A keyed token hash as the gateway and parsers write it (the desk's scope input accepts only these). */
const TOKEN_HASH = /^[A-Za-z0-9_-]{16,128}$/;

/** The scope is every address, token preview, tenant and event behind the signal, not just its few samples. */
function scopeOf(events: readonly RequestEvent[], fromSignal: DetectorSignal['scope']) {
  const fields = {
    ips: new Set<string>(),
    tokenPreviews: new Set<string>(),
    tokens: new Set<string>(),
    tenants: new Set<string>(),
    events: new Set<string>(),
  };
  const add = (set: Set<string>, value: string | null | undefined, max: number) => {
    if (value && value.length <= max && set.size < SCOPE_FIELD_LIMIT) set.add(value);
  };
  // Addresses only: a rule grouped by prefix names its /24 in the signal, which is not a client.
  for (const value of fromSignal?.ips ?? []) if (isIP(value) !== 0) add(fields.ips, value, 64);
  for (const value of fromSignal?.tokenPreviews ?? []) add(fields.tokenPreviews, value, 16);
  for (const value of fromSignal?.tokens ?? []) if (TOKEN_HASH.test(value)) add(fields.tokens, value, 128);
  for (const value of fromSignal?.tenants ?? []) add(fields.tenants, value, 200);
  for (const value of fromSignal?.events ?? []) add(fields.events, value, 200);
  // The signal's scope is visible already (detector-signal.ts); the events' text is made so here.
  const shown = (value: string | null) => (value === null ? null : visibleText(value));
  for (const e of events) {
    add(fields.ips, shown(e.ip), 64);
    add(fields.tokenPreviews, shown(e.tokenPreview), 16);
    if (e.tokenHash !== null && TOKEN_HASH.test(e.tokenHash)) add(fields.tokens, e.tokenHash, 128);
    add(fields.tenants, shown(e.tenant), 200);
    add(fields.events, shown(e.event), 200);
  }
  return {
    ips: [...fields.ips],
    tokenPreviews: [...fields.tokenPreviews],
    tokens: [...fields.tokens],
    tenants: [...fields.tenants],
    events: [...fields.events],
  };
}

/**
 * The evidence keeps what a responder needs and what the request event already limits to previews. Its text is
 * made visible (shared/visible-text.ts): the escape is reversible, so nothing is lost, and a control character in
 * a path reaches neither the store (PostgreSQL refuses NUL) nor the terminal of whoever exports the evidence.
 */
function evidenceEvent(e: RequestEvent): Record<string, unknown> {
  return visibleFields({
    time: new Date(e.time).toISOString(),
    source: e.source,
    method: e.method,
    path: e.path,
    route: e.route,
    status: e.status,
    ip: e.ip,
    ipPrefix: e.ipPrefix,
    tokenPreview: e.tokenPreview,
    subject: e.subject,
    tenant: e.tenant,
    event: e.event,
    decision: e.decision,
    rule: e.rule,
    message: e.message,
  });
}
