import { RampartError } from '../shared/errors.js';
import type { TemplateSpec } from '../playbook/index.js';

/**
 * The variables a playbook template may use, e.g. `{{incident.title}}`. A placeholder outside this list is
 * an error when the notifier starts, not a blank in a message to a customer.
 */
export const TEMPLATE_VARIABLES = {
  'incident.id': 'the incident reference, e.g. INC-12',
  'incident.title': 'the incident title',
  'incident.service': 'the service name',
  'incident.severity': 'the severity level name, e.g. SEV-2',
  'incident.status': 'triggered, acknowledged, mitigated, resolved or closed',
  'incident.type': 'the playbook incident type, or "unclassified"',
  'incident.commander': 'the incident commander, or "unassigned"',
  'incident.started_at': 'when the incident was opened (UTC, "2026-01-05 10:00 UTC")',
  'incident.mitigated_at': 'when it was mitigated, or "not yet"',
  'incident.resolved_at': 'when it was resolved, or "not yet"',
  'incident.url': 'the incident page when RAMPART_PUBLIC_URL is set, else the reference',
  'incident.scope.tenants': 'the number of tenants in scope',
  'incident.scope.events': 'the number of events in scope',
  'incident.scope.ips': 'the number of client addresses in scope',
  'incident.mitigations': 'the mitigations applied for the incident, one per line, or "none yet"',
  'service.title': "the service's title from the playbook",
  'mitigation.kind': 'mitigation_applied/_lifted only: block, revoke-token, throttle …',
  'mitigation.target':
    "mitigation_applied/_lifted only: the address, range, limit or switch, or a token's preview",
  'mitigation.until': 'mitigation_applied/_lifted only: when it expires, or "lifted" (until lifted)',
  'mitigation.reason': 'mitigation_applied/_lifted only: why it was applied',
  'mitigation.author': 'mitigation_applied/_lifted only: who applied it (a person, or "detector")',
  'tenant.id': 'the tenant being e-mailed (tenant audiences only)',
  'tenant.name': "the tenant's name from RAMPART_TENANT_CONTACTS, else its id",
  event: 'the notification event, e.g. mitigated',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const PLACEHOLDER = /\{\{\s*([a-z_.]+)\s*\}\}/g;

export interface CompiledTemplate {
  name: string;
  render(values: TemplateValues): { subject: string; body: string };
}

function check(text: string, where: string, service: string): void {
  for (const match of text.matchAll(/\{\{([^}]*)\}\}/g)) {
    const name = (match[1] ?? '').trim();
    if (!(name in TEMPLATE_VARIABLES)) {
      throw new RampartError(
        'RAMPART_PLAYBOOK_INVALID',
        `playbook ${service}: template ${where} uses {{${name}}}, which is not a template variable`,
        [
          {
            path: `comms.templates.${where}`,
            message: `known: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}`,
          },
        ],
      );
    }
  }
}

function fill(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name as TemplateVariable] ?? '');
}

/** Checks every placeholder once; rendering then only substitutes. */
export function compileTemplate(spec: TemplateSpec, service: string): CompiledTemplate {
  check(spec.subject, `${spec.name}.subject`, service);
  check(spec.body, `${spec.name}.body`, service);
  return {
    name: spec.name,
    // A subject is one line: a value with a line break must not start a new header.
    render: (values) => ({
      subject: fill(spec.subject, values)
        .replace(/[\r\n]+/g, ' ')
        .trim(),
      body: fill(spec.body, values),
    }),
  };
}
