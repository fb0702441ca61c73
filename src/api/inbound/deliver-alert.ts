import type { InboundAlert } from '../../detector/sources/alerts/index.js';
import {
  acknowledge,
  clearSignal,
  ingestSignal,
  type DeskContext,
  type ServicePolicy,
} from '../../desk/index.js';
import { correlationKey } from '../../domain/correlation-key.js';
import { findSeverity, severityForAlertLevel } from '../../domain/severity.js';

export interface AlertOutcome {
  key: string;
  status: InboundAlert['status'];
  incident: string | null;
  joined?: boolean;
}

/**
 * Turns an inbound alert into desk actions: firing → a signal (opens or joins by the sender's key); resolved →
 * a "clear" on the open incident's timeline; acknowledged → the open incident is acknowledged.
 */
export async function deliverAlert(
  ctx: DeskContext,
  policy: ServicePolicy,
  alert: InboundAlert,
): Promise<AlertOutcome> {
  const fingerprint = `${policy.name}:${alert.source}:${alert.key}`;
  // The sender's key is the alert's group key: with an incident type the playbook knows, the alert joins the
  // open incident of that type and key, whichever rule or source opened it (domain/correlation-key.ts).
  const type = alert.type && policy.incidentTypes[alert.type] ? alert.type : undefined;
  const correlation = { fingerprint, groupKey: alert.key, ...(type ? { type } : {}) };
  if (alert.status === 'resolved') {
    const incident = await clearSignal({
      ctx,
      input: { service: policy.name, rule: alert.rule, ...correlation, at: alert.at, note: alert.title },
    });
    return { key: alert.key, status: alert.status, incident: incident?.id ?? null };
  }
  if (alert.status === 'acknowledged') {
    const open = await ctx.store.incidents.findOpenByKey(policy.name, correlationKey(correlation));
    if (open?.status === 'triggered')
      await acknowledge({ ctx, input: { id: open.id, note: `acknowledged by ${alert.source}` } });
    return { key: alert.key, status: alert.status, incident: open?.id ?? null };
  }
  const named = alert.severity ? findSeverity(policy.scale, alert.severity) : undefined;
  const level = named ?? (alert.level ? severityForAlertLevel(policy.scale, alert.level) : undefined);
  const result = await ingestSignal({
    ctx,
    input: {
      service: policy.name,
      rule: alert.rule,
      fingerprint,
      title: alert.title,
      ...(level ? { severity: level.name } : {}),
      ...(type ? { type } : {}),
      groupKey: alert.key,
      at: alert.at,
      samples: [alert.details],
    },
  });
  return { key: alert.key, status: alert.status, incident: result.incident.id, joined: result.joined };
}
