/** What a firing detector rule (or an inbound alert, or a failing monitor) hands to the desk. */
export interface Signal {
  service: string;
  /** Rule, monitor or alert name. */
  rule: string;
  /** Same fingerprint while an incident is open = same incident. */
  fingerprint: string;
  title: string;
  /** Severity name from the playbook's scale; the desk falls back to the playbook default. */
  severity?: string;
  /** Playbook incident type, e.g. "brute-force". */
  type?: string;
  groupKey?: string;
  /** The attacked entity the group key names (an address's /24, a token hash …), for correlation. */
  correlate?: string;
  value?: number;
  threshold?: number;
  windowMs?: number;
  at: string;
  scope?: { tenants?: string[]; events?: string[]; ips?: string[]; tokenPreviews?: string[]; tokens?: string[] };
  samples?: Record<string, unknown>[];
}
