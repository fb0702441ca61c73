import type { RequestEvent } from '../domain/request-event.js';
import type { Signal } from '../domain/signal.js';
import type { MitigationSpec } from '../playbook/index.js';
import { cutVisible, visibleFields, visibleText } from '../shared/visible-text.js';
import { correlationEntity } from './correlation-entity.js';
import type { CompiledRule } from './rules/index.js';

/** At most this many sample events ride on a signal (the desk keeps 5 too); the snapshot holds the rest. */
export const MAX_SAMPLES = 5;

/**
 * What a firing rule emits: the desk's signal input plus what the caller needs to decide what to do with it.
 * `kind` is "fired" for the first signal of an episode and "updated" when the value has since doubled.
 */
export interface DetectorSignal extends Signal {
  kind: 'fired' | 'updated';
  groupKey: string;
  value: number;
  threshold: number;
  windowMs: number;
  /** The attacked entity (correlation-entity.ts): with the type, which open incident the signal joins. */
  correlate: string;
  /** Shadow rules: record, open nothing, apply nothing. */
  shadow: boolean;
  mitigation?: MitigationSpec;
}

/** The condition has been clear for the rule's quiet period (verification uses it). */
export interface DetectorClear {
  kind: 'cleared';
  service: string;
  rule: string;
  fingerprint: string;
  groupKey: string;
  /** The rule's incident type: with the entity, it finds the incident the signal joined. */
  type?: string;
  correlate: string;
  /** When the quiet period ended (ISO), and when the episode's first signal fired. */
  at: string;
  firedAt: string;
  shadow: boolean;
}

export const fingerprintOf = (rule: CompiledRule, groupKey: string): string =>
  `${rule.service}:${rule.name}:${groupKey}`;

/**
 * A sample as the desk shows it: what was asked, by whom, and the answer; never a token, only its preview. Its
 * text is made visible (shared/visible-text.ts): it is shown on the timeline and in the console as it is.
 */
export function sampleOf(event: RequestEvent): Record<string, unknown> {
  const sample: Record<string, unknown> = {
    time: new Date(event.time).toISOString(),
    method: event.method,
    path: event.path.length > 300 ? `${event.path.slice(0, 300)}…` : event.path,
    status: event.status,
    decision: event.decision,
  };
  const route = event.fields.routeName ?? event.route;
  if (route !== null && route !== undefined) sample.route = route;
  if (event.ip !== null) sample.ip = event.ip;
  if (event.tokenPreview !== null) sample.tokenPreview = event.tokenPreview;
  if (event.subject !== null) sample.subject = event.subject;
  if (event.tenant !== null) sample.tenant = event.tenant;
  if (event.event !== null) sample.event = event.event;
  if (event.durationMs !== null) sample.durationMs = event.durationMs;
  if (event.message !== null)
    sample.message = event.message.length > 300 ? `${event.message.slice(0, 300)}…` : event.message;
  return visibleFields(sample);
}

/**
 * "<rule title>: <what it is about>". A token is named by its preview and, when known, its event — never by
 * its keyed hash, which means nothing to a person; the other group fields as they are.
 */
function titleOf(rule: CompiledRule, groupKey: string, samples: readonly RequestEvent[]): string {
  if (groupKey === '*') return rule.title;
  const parts = rule.groupBy.length === 1 ? [groupKey] : groupKey.split('|');
  let about = groupKey;
  if (parts.length === rule.groupBy.length) {
    about = parts
      .map((value, i) => {
        const field = rule.groupBy[i];
        if (field !== 'token') return value;
        const sample =
          samples.find((e) => e.tokenHash === value) ?? samples.find((e) => e.tokenPreview !== null);
        const preview = visibleText(sample?.tokenPreview ?? 'a token');
        const event = samples.find((e) => e.event !== null)?.event;
        return event ? `token ${preview} (event ${visibleText(event)})` : `token ${preview}`;
      })
      .join(', ');
  }
  // The key's parts are visible already (event-fields.ts); the cut must not split one of their escapes.
  return cutVisible(`${rule.title}: ${about}`, 300);
}

export function buildSignal(
  rule: CompiledRule,
  groupKey: string,
  fire: { kind: 'fired' | 'updated'; value: number; threshold: number; at: number },
  samples: readonly RequestEvent[],
): DetectorSignal {
  const ips = new Set<string>();
  const tokenPreviews = new Set<string>();
  const tokens = new Set<string>();
  const tenants = new Set<string>();
  const events = new Set<string>();
  if (rule.groupBy.length === 1 && rule.groupBy[0] === 'ip_prefix') ips.add(groupKey);
  for (const e of samples) {
    // Scope is shown as it is (incident page, notifications): its text is made visible like the group key.
    if (e.ip !== null) ips.add(visibleText(e.ip));
    if (e.tokenPreview !== null && e.tokenPreview.length <= 16) tokenPreviews.add(visibleText(e.tokenPreview));
    if (e.tokenHash !== null && /^[A-Za-z0-9_-]{16,128}$/.test(e.tokenHash)) tokens.add(e.tokenHash);
    if (e.tenant !== null) tenants.add(visibleText(e.tenant, 200));
    if (e.event !== null) events.add(visibleText(e.event, 200));
  }
  const scope: NonNullable<Signal['scope']> = {};
  if (ips.size > 0) scope.ips = [...ips].filter((ip) => ip.length <= 64);
  if (tokenPreviews.size > 0) scope.tokenPreviews = [...tokenPreviews];
  if (tokens.size > 0) scope.tokens = [...tokens];
  if (tenants.size > 0) scope.tenants = [...tenants];
  if (events.size > 0) scope.events = [...events];
  const signal: DetectorSignal = {
    kind: fire.kind,
    service: rule.service,
    rule: rule.name,
    fingerprint: fingerprintOf(rule, groupKey),
    title: titleOf(rule, groupKey, samples),
    severity: rule.severity,
    groupKey,
    correlate: correlationEntity(rule, groupKey),
    value: fire.value,
    threshold: fire.threshold,
    windowMs: rule.trigger.windowMs,
    at: new Date(fire.at).toISOString(),
    scope,
    samples: samples.slice(0, MAX_SAMPLES).map(sampleOf),
    shadow: rule.shadow,
  };
  if (rule.type !== undefined) signal.type = rule.type;
  if (rule.mitigation !== undefined) signal.mitigation = rule.mitigation;
  return signal;
}
