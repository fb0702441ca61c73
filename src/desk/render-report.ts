import { shownTarget } from '../domain/mitigation.js';
import { formatDuration } from '../shared/duration.js';
import type { IncidentView } from './read-incident.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const at = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—');
const since = (from: string, to: string | null) =>
  to ? formatDuration(Date.parse(to) - Date.parse(from)) : '—';

/** The whole incident as Markdown: for the ticket, the post-mortem meeting and the archive. */
export function renderIncidentReport(view: IncidentView, now: Date): string {
  const { incident: i, checklist, mitigations, postmortem, timeline } = view;
  const lines: string[] = [
    `# ${i.id}: ${i.title}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Service | ${i.service} |`,
    `| Severity | ${i.severity} |`,
    `| Status | ${i.status} |`,
    `| Commander | ${i.commander ?? '—'} |`,
    `| Type | ${i.type ?? '—'} |`,
    `| Opened | ${at(i.createdAt)} |`,
    `| Acknowledged | ${at(i.acknowledgedAt)} (after ${since(i.createdAt, i.acknowledgedAt)}) |`,
    `| Mitigated | ${at(i.mitigatedAt)} (after ${since(i.createdAt, i.mitigatedAt)}) |`,
    `| Resolved | ${at(i.resolvedAt)} (after ${since(i.createdAt, i.resolvedAt)}) |`,
    `| Closed | ${at(i.closedAt)} |`,
    '',
    '## Scope',
    '',
  ];
  const scope = (Object.entries(i.scope) as [string, string[]][]).filter(([, values]) => values.length > 0);
  if (scope.length === 0) lines.push('Nothing recorded.');
  for (const [field, values] of scope)
    lines.push(
      field === 'tokens'
        ? `- **tokens**: ${values.length} (counted by keyed hash)`
        : `- **${field}**: ${values.join(', ')}`,
    );

  lines.push('', '## Checklist', '');
  if (checklist.length === 0) lines.push('The playbook has no checklist.');
  else {
    lines.push('| Phase | Step | Status | Deadline | Done | By |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of checklist) {
      const late = c.completedAt
        ? Date.parse(c.completedAt) > Date.parse(c.deadline)
        : c.status === 'pending' && Date.parse(c.deadline) < now.getTime();
      lines.push(
        `| ${cell(c.phase)} | ${cell(c.title)}${c.automatic ? ` _(automatic: ${c.automatic})_` : ''} | ${c.status}${late ? ' **late**' : ''} | ${at(c.deadline)} | ${at(c.completedAt)} | ${c.completedBy ?? '—'} |`,
      );
    }
  }

  lines.push('', '## Mitigations', '');
  if (mitigations.length === 0) lines.push('None.');
  else {
    lines.push('| Kind | Target | By | From | Until | Reason |', '| --- | --- | --- | --- | --- | --- |');
    for (const m of mitigations) {
      const target = shownTarget(m);
      const until = m.liftedAt ? `lifted ${at(m.liftedAt)} by ${m.liftedBy ?? '?'}` : at(m.expiresAt);
      lines.push(
        `| ${m.kind} | ${cell(target)} | ${m.author} | ${at(m.createdAt)} | ${until} | ${cell(m.reason)} |`,
      );
    }
  }

  lines.push('', '## Timeline', '', '| At | Who | What | |', '| --- | --- | --- | --- |');
  for (const e of timeline) lines.push(`| ${at(e.at)} | ${cell(e.actor)} | ${e.kind} | ${cell(e.summary)} |`);

  lines.push('', '## Post-mortem', '');
  if (!postmortem) lines.push('Opened when the incident is resolved.');
  else {
    const overdue = postmortem.status === 'open' && Date.parse(postmortem.dueAt) < now.getTime();
    lines.push(
      `Status: ${postmortem.status}. Due ${at(postmortem.dueAt)}${overdue ? ' — **overdue**' : ''}.`,
    );
    for (const section of postmortem.sections)
      lines.push('', `### ${section.name}`, '', section.body || '_to be written_');
    lines.push('', '### Follow-up tasks', '');
    if (postmortem.followUps.length === 0) lines.push('None yet.');
    for (const f of postmortem.followUps)
      lines.push(`- [${f.done ? 'x' : ' '}] ${f.title}${f.owner ? ` — ${f.owner}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
