import type { Incident } from '../domain/incident.js';
import { tokenCount } from '../domain/scope.js';
import { shownTarget, type Mitigation } from '../domain/mitigation.js';
import { formatDuration } from '../shared/duration.js';
import { pagerDutySeverity } from './channels/pagerduty.js';
import type { IncidentSummary, MitigationSummary, NotifyEvent, NotifyMessage } from './message.js';
import { pagerDutyAction, type PlannedDelivery } from './routing.js';
import type { TenantDirectory } from './tenant-directory.js';
import type { CompiledTemplate, TemplateValues } from './templates.js';

/** Scope lists in a message are capped; the counts stay exact. */
const SCOPE_SHOWN = 50;

export interface ComposeInput {
  planned: PlannedDelivery;
  events: readonly NotifyEvent[];
  incident: Incident;
  /** What changed, in words (the timeline entry's summary, or the reminder). */
  change: string;
  serviceTitle: string;
  templates: ReadonlyMap<string, CompiledTemplate>;
  mitigations: readonly Mitigation[];
  /** The mitigation a mitigation_applied / _lifted / _expired message is about. */
  mitigation?: Mitigation | undefined;
  tenants: TenantDirectory;
  publicUrl: string | undefined;
}

/** Revocation targets are token hashes or JWT ids: say what was done, not which credential. */
function describeMitigation(m: Mitigation): string {
  const target =
    m.kind === 'revoke-token' ? ` ${shownTarget(m)}` : m.kind.startsWith('revoke-') ? '' : ` ${m.target}`;
  return `${m.kind}${target} (${m.reason})`;
}

/** A mitigation as every channel shows it: a readable target (a token's preview, never its hash). */
export function summarizeMitigation(m: Mitigation): MitigationSummary {
  let target = shownTarget(m);
  // A JWT id is a credential's name: show enough to recognise it, not enough to reuse it.
  if (m.kind === 'revoke-jti' && target === m.target) target = `${m.target.slice(0, 4)}…`;
  return {
    id: m.id,
    kind: m.kind,
    target,
    until: m.expiresAt,
    reason: m.reason,
    author: m.author,
    appliedAt: m.createdAt,
    liftedAt: m.liftedAt,
    liftedBy: m.liftedBy,
  };
}

/** One line for the message text: "block 203.0.113.0/24 until … by detector: rule …". */
export function describeMitigationChange(event: NotifyEvent, m: MitigationSummary): string {
  if (event === 'mitigation_expired')
    return `${m.kind} ${m.target} expired${m.until === null ? '' : ` at ${formatTime(m.until)}`}${lasted(m)} (applied by ${m.author}: ${m.reason})`;
  if (event === 'mitigation_lifted')
    return `lifted ${m.kind} ${m.target}${m.liftedBy ? ` by ${m.liftedBy}` : ''} (applied by ${m.author}: ${m.reason})`;
  return `${m.kind} ${m.target} until ${m.until === null ? 'lifted' : formatTime(m.until)} by ${m.author}: ${m.reason}`;
}

function lasted(m: MitigationSummary): string {
  if (m.until === null) return '';
  const ms = Date.parse(m.until) - Date.parse(m.appliedAt);
  return Number.isFinite(ms) && ms > 0 ? ` after ${formatDuration(ms)}` : '';
}

export function formatTime(iso: string | null): string {
  if (iso === null) return 'not yet';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function summarize(incident: Incident): IncidentSummary {
  const s = incident.scope;
  return {
    id: incident.id,
    title: incident.title,
    service: incident.service,
    severity: incident.severity,
    severityRank: incident.severityRank,
    status: incident.status,
    type: incident.type,
    commander: incident.commander,
    createdAt: incident.createdAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
    scope: {
      tenants: s.tenants.slice(0, SCOPE_SHOWN),
      events: s.events.slice(0, SCOPE_SHOWN),
      ips: s.ips.slice(0, SCOPE_SHOWN),
      tokenPreviews: s.tokenPreviews.slice(0, SCOPE_SHOWN),
    },
    scopeCounts: {
      tenants: s.tenants.length,
      events: s.events.length,
      ips: s.ips.length,
      tokenPreviews: s.tokenPreviews.length,
      tokens: tokenCount(s),
    },
  };
}

function headline(event: NotifyEvent, i: Incident): string {
  const tag = `[${i.id}] ${i.severity}`;
  switch (event) {
    case 'opened':
      return `${tag} opened: ${i.title}`;
    case 'update_due':
      return `${tag} update due: ${i.title}`;
    case 'postmortem_due':
      return `[${i.id}] post-mortem due: ${i.title}`;
    case 'severity_changed':
      return `${tag} severity changed: ${i.title}`;
    case 'mitigation_applied':
      return `${tag} mitigation applied: ${i.title}`;
    case 'mitigation_lifted':
      return `${tag} mitigation lifted: ${i.title}`;
    case 'mitigation_expired':
      return `${tag} mitigation expired: ${i.title}`;
    default:
      return `${tag} ${i.status}: ${i.title}`;
  }
}

function incidentUrl(publicUrl: string | undefined, id: string): string | undefined {
  return publicUrl === undefined
    ? undefined
    : `${publicUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(id)}`;
}

/** Builds the channel-neutral message for one planned delivery, filling its template if it has one. */
export function composeMessage(input: ComposeInput): NotifyMessage {
  const { planned, incident } = input;
  const url = incidentUrl(input.publicUrl, incident.id);
  const message: NotifyMessage = {
    deliveryId: planned.dedupKey,
    event: planned.event,
    headline: headline(planned.event, incident),
    text: input.change,
    incident: summarize(incident),
    links: url === undefined ? [] : [{ label: `${incident.id} in Rampart`, url }],
    pagerduty: {
      action: pagerDutyAction(input.events, incident.status),
      severity: pagerDutySeverity(incident.severityRank),
    },
  };
  const mitigation = input.mitigation === undefined ? undefined : summarizeMitigation(input.mitigation);
  if (mitigation) message.mitigation = mitigation;
  const template = planned.template === undefined ? undefined : input.templates.get(planned.template);
  if (template) {
    const contact = planned.tenant === undefined ? undefined : input.tenants.get(planned.tenant);
    const values: TemplateValues = {
      'incident.id': incident.id,
      'incident.title': incident.title,
      'incident.service': incident.service,
      'incident.severity': incident.severity,
      'incident.status': incident.status,
      'incident.type': incident.type ?? 'unclassified',
      'incident.commander': incident.commander ?? 'unassigned',
      'incident.started_at': formatTime(incident.createdAt),
      'incident.mitigated_at': formatTime(incident.mitigatedAt),
      'incident.resolved_at': formatTime(incident.resolvedAt),
      'incident.url': url ?? incident.id,
      'incident.scope.tenants': String(incident.scope.tenants.length),
      'incident.scope.events': String(incident.scope.events.length),
      'incident.scope.ips': String(incident.scope.ips.length),
      'incident.mitigations':
        input.mitigations.length === 0 ? 'none yet' : input.mitigations.map(describeMitigation).join('\n'),
      'service.title': input.serviceTitle,
      ...(mitigation === undefined
        ? {}
        : {
            'mitigation.kind': mitigation.kind,
            'mitigation.target': mitigation.target,
            'mitigation.until': mitigation.until === null ? 'lifted' : formatTime(mitigation.until),
            'mitigation.reason': mitigation.reason,
            'mitigation.author': mitigation.author,
          }),
      event: planned.event,
      ...(planned.tenant === undefined
        ? {}
        : { 'tenant.id': planned.tenant, 'tenant.name': contact?.name ?? planned.tenant }),
    };
    const rendered = template.render(values);
    message.subject = rendered.subject;
    message.body = rendered.body;
  }
  return message;
}
