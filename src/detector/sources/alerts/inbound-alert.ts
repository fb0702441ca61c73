import type { AlertLevel } from '../../../domain/severity.js';

/** An alert from outside (Alertmanager, PagerDuty-compatible tools, a generic webhook), before it is a signal. */
export interface InboundAlert {
  source: 'alertmanager' | 'pagerduty' | 'webhook';
  rule: string;
  /** The sender's own de-duplication key (Alertmanager fingerprint, PagerDuty dedup_key). */
  key: string;
  status: 'firing' | 'resolved' | 'acknowledged';
  title: string;
  /** A severity name of the playbook's scale, when the sender gave one. */
  severity?: string;
  /** The sender's level, mapped onto the scale by position when no severity name is given. */
  level?: AlertLevel;
  type?: string;
  at: string;
  details: Record<string, unknown>;
}
