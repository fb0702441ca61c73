import type { Incident } from '../domain/incident.js';
import type { AudienceSpec, CommsSpec } from '../playbook/index.js';
import { nextBusinessStart } from './business-hours.js';
import type { ChannelKind } from './channels/channel.js';
import type { ChannelTarget, NotifyEvent, PagerDutyAction } from './message.js';

export interface RouteInput {
  comms: CommsSpec;
  incident: Incident;
  /** What happened, most specific first: a mitigation is ['mitigated', 'status_changed']. */
  events: readonly NotifyEvent[];
  /** Unique per occurrence (a timeline entry id, "opened", a due time), so a repeat maps to the same keys. */
  eventKey: string;
  at: Date;
}

/** One message to send: to whom, through which channel, and not before when. */
export interface PlannedDelivery {
  dedupKey: string;
  audience: string;
  channel: ChannelKind;
  target: ChannelTarget;
  event: NotifyEvent;
  notBefore: Date;
  /** Waits for a person's approval (`requires_approval`). */
  held: boolean;
  template: string | undefined;
  tenant?: string;
}

/**
 * PagerDuty knows three actions; events that are none of them (a status note, a reminder) do not page. A
 * mitigation applied or lifted is a `trigger` with the incident's dedup key while the incident is open:
 * PagerDuty folds it into the open alert's log (no second page) with the mitigation in its custom_details.
 * Once the incident is resolved it is not sent there at all, since a trigger would open a fresh alert.
 */
export function pagerDutyAction(
  events: readonly NotifyEvent[],
  incidentStatus?: string,
): PagerDutyAction | null {
  if (events.includes('resolved') || events.includes('closed')) return 'resolve';
  if (events.includes('acknowledged')) return 'acknowledge';
  if (events.includes('opened') || events.includes('severity_changed')) return 'trigger';
  if (
    events.includes('mitigation_applied') ||
    events.includes('mitigation_lifted') ||
    events.includes('mitigation_expired')
  )
    return incidentStatus === 'resolved' || incidentStatus === 'closed' ? null : 'trigger';
  return null;
}

/** "Impactful": the incident's scope names at least one tenant or event, i.e. customers were touched. */
export function isImpactful(incident: Incident): boolean {
  return incident.scope.tenants.length > 0 || incident.scope.events.length > 0;
}

/** Whether the audience wants this incident at all (severity, type, impact), whatever the event. */
export function audienceCovers(audience: AudienceSpec, incident: Incident): boolean {
  const when = audience.when;
  const severity = incident.severity.toLowerCase();
  if (when.severities && !when.severities.some((s) => s.toLowerCase() === severity)) return false;
  if (when.incident_types && (incident.type === null || !when.incident_types.includes(incident.type)))
    return false;
  if (when.impactful === true && !isImpactful(incident)) return false;
  return true;
}

export function audienceWants(
  audience: AudienceSpec,
  incident: Incident,
  events: readonly NotifyEvent[],
): boolean {
  return audienceCovers(audience, incident) && events.some((e) => audience.when.events.includes(e));
}

/**
 * Who hears about this event, through which channel, and when: pure, so every rule of the playbook's comms
 * section is testable without a network. `business_hours` audiences wait for the next opening in the
 * playbook's time zone; tenant e-mail becomes one message per tenant in the incident's scope.
 */
export function routeEvent(input: RouteInput): PlannedDelivery[] {
  const { comms, incident, events, eventKey, at } = input;
  const primary = events[0];
  if (primary === undefined) return [];
  const planned: PlannedDelivery[] = [];
  const action = pagerDutyAction(events, incident.status);
  for (const audience of comms.audiences) {
    if (!audienceWants(audience, incident, events)) continue;
    const notBefore =
      audience.timing === 'business_hours' && comms.business_hours
        ? nextBusinessStart(at, comms.business_hours)
        : at;
    audience.channels.forEach((channel, index) => {
      if (channel.type === 'pagerduty' && action === null) return;
      const base = `${incident.id}:${eventKey}:${audience.name}:${index}-${channel.type}`;
      const template = (channel.type === 'email' ? channel.template : undefined) ?? audience.template;
      const common = {
        audience: audience.name,
        channel: channel.type,
        event: primary,
        notBefore,
        held: audience.requires_approval,
        template,
      };
      if (channel.type === 'email' && channel.to === 'tenants') {
        for (const tenant of incident.scope.tenants) {
          planned.push({ ...common, dedupKey: `${base}:${tenant}`, target: { ...channel, tenant }, tenant });
        }
        return;
      }
      planned.push({ ...common, dedupKey: base, target: channel });
    });
  }
  return planned;
}

/** The notify events a status change stands for. */
export function statusEvents(to: string): NotifyEvent[] {
  switch (to) {
    case 'acknowledged':
      return ['acknowledged', 'status_changed'];
    case 'mitigated':
      return ['mitigated', 'status_changed'];
    case 'resolved':
      return ['resolved', 'status_changed'];
    case 'closed':
      return ['closed', 'status_changed'];
    default:
      return ['status_changed'];
  }
}
