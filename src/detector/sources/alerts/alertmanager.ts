import { z } from 'zod';
import { ALERT_LEVELS, type AlertLevel } from '../../../domain/severity.js';
import type { InboundAlert } from './inbound-alert.js';

/** Prometheus Alertmanager's webhook body (version 4), validated; unknown keys are allowed, as Alertmanager adds some. */
export const alertmanagerBody = z.object({
  version: z.string().max(10),
  groupKey: z.string().max(2000),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(500),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  externalURL: z.string().max(2000).default(''),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string().max(2000)),
        annotations: z.record(z.string(), z.string().max(10_000)).default({}),
        startsAt: z.string().max(64),
        endsAt: z.string().max(64).optional(),
        generatorURL: z.string().max(2000).optional(),
        fingerprint: z.string().min(1).max(200),
      }),
    )
    .max(1000),
});
export type AlertmanagerBody = z.infer<typeof alertmanagerBody>;

function level(labels: Record<string, string>): AlertLevel | undefined {
  const value = (labels.severity ?? labels.level ?? '').toLowerCase();
  if ((ALERT_LEVELS as readonly string[]).includes(value)) return value as AlertLevel;
  if (value === 'page' || value === 'high') return 'critical';
  if (value === 'warn') return 'warning';
  return undefined;
}

/** One alert per Alertmanager alert, de-duplicated by Alertmanager's own fingerprint. */
export function fromAlertmanager(body: AlertmanagerBody): InboundAlert[] {
  return body.alerts.map((alert) => {
    const name = alert.labels.alertname ?? 'alert';
    const summary = alert.annotations.summary ?? alert.annotations.description ?? name;
    const lvl = level(alert.labels) ?? level(body.commonLabels);
    return {
      source: 'alertmanager',
      rule: `alertmanager:${name}`,
      key: alert.fingerprint,
      status: alert.status,
      title: summary.slice(0, 300),
      ...(lvl ? { level: lvl } : {}),
      ...(alert.labels.rampart_severity ? { severity: alert.labels.rampart_severity } : {}),
      ...(alert.labels.incident_type ? { type: alert.labels.incident_type } : {}),
      at: alert.status === 'resolved' && alert.endsAt ? alert.endsAt : alert.startsAt,
      details: {
        labels: alert.labels,
        annotations: alert.annotations,
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      },
    };
  });
}
