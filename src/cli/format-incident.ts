import type { IncidentView } from '../desk/index.js';
import type { Incident } from '../domain/incident.js';
import { isOverdue } from '../domain/checklist.js';
import { shownTarget } from '../domain/mitigation.js';
import { formatTable } from './table.js';

/** An ISO time for a table: "2026-03-02 09:15:00Z", or "-". */
export const time = (iso: string | null): string =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';

export function formatIncidentList(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return 'no incidents';
  return formatTable(
    ['ID', 'SEVERITY', 'STATUS', 'SERVICE', 'OPENED', 'COMMANDER', 'TITLE'],
    incidents.map((i) => [
      i.id,
      i.severity,
      i.status,
      i.service,
      time(i.createdAt),
      i.commander ?? '-',
      i.title,
    ]),
  );
}

export function formatIncidentLine(i: Incident): string {
  return `${i.id}  ${i.severity}  ${i.status}  ${i.service}  ${i.title}`;
}

export function formatIncidentView(view: IncidentView, now: Date): string {
  const { incident: i } = view;
  const scope = Object.entries(i.scope)
    .filter(([, values]) => (values as string[]).length > 0)
    // Token hashes mean nothing to a person: counted, not listed (the previews are listed).
    .map(([field, values]) =>
      field === 'tokens'
        ? `tokens: ${(values as string[]).length} (by keyed hash)`
        : `${field}: ${(values as string[]).join(', ')}`,
    );
  const lines = [
    `${i.id}  ${i.title}`,
    `  service    ${i.service}`,
    `  severity   ${i.severity}`,
    `  status     ${i.status}`,
    `  commander  ${i.commander ?? '-'}`,
    `  opened     ${time(i.createdAt)}${i.fingerprint ? `   fingerprint ${i.fingerprint}` : ''}`,
    `  scope      ${scope.length > 0 ? scope.join('; ') : '-'}`,
  ];
  if (view.checklist.length > 0) {
    lines.push('', 'CHECKLIST');
    lines.push(
      formatTable(
        ['STEP', 'PHASE', 'STATUS', 'DEADLINE', 'TITLE'],
        view.checklist.map((c) => [
          c.stepId,
          c.phase,
          isOverdue(c, now) ? 'OVERDUE' : c.status,
          time(c.deadline),
          `${c.title}${c.automatic ? ` (automatic: ${c.automatic})` : ''}`,
        ]),
      ),
    );
  }
  if (view.mitigations.length > 0) {
    lines.push('', 'MITIGATIONS');
    lines.push(
      formatTable(
        ['ID', 'KIND', 'TARGET', 'SINCE', 'UNTIL', 'REASON'],
        view.mitigations.map((m) => [
          m.id,
          m.kind,
          shownTarget(m),
          time(m.createdAt),
          m.liftedAt ? `lifted ${time(m.liftedAt)}` : time(m.expiresAt),
          m.reason,
        ]),
      ),
    );
  }
  if (view.postmortem) {
    const pm = view.postmortem;
    lines.push(
      '',
      `POST-MORTEM  ${pm.status}, due ${time(pm.dueAt)}${pm.status === 'open' && Date.parse(pm.dueAt) < now.getTime() ? ' (OVERDUE)' : ''}`,
    );
    for (const f of pm.followUps)
      lines.push(`  [${f.done ? 'x' : ' '}] ${f.title}${f.owner ? ` (${f.owner})` : ''}`);
  }
  lines.push('', 'TIMELINE');
  lines.push(
    formatTable(
      ['AT', 'ACTOR', 'KIND', 'WHAT'],
      view.timeline.map((e) => [time(e.at), e.actor, e.kind, e.summary]),
    ),
  );
  return lines.join('\n');
}
