import type { IncidentCount } from '../../api/types.js';
import { SeverityBadge } from '../../components/Badges.js';

const OPEN = new Set(['triggered', 'acknowledged', 'mitigated']);

/** Open incidents per severity, most severe first; the totals come from one grouped count in the store. */
export function SeverityCounts({ counts }: { counts: IncidentCount[] }) {
  const bySeverity = new Map<string, { rank: number; open: number; unacked: number }>();
  for (const c of counts) {
    if (!OPEN.has(c.status)) continue;
    const s = bySeverity.get(c.severity) ?? { rank: c.severityRank, open: 0, unacked: 0 };
    s.open += c.count;
    if (c.status === 'triggered') s.unacked += c.count;
    bySeverity.set(c.severity, s);
  }
  const rows = [...bySeverity.entries()].sort((a, b) => a[1].rank - b[1].rank);
  const closed = counts.filter((c) => !OPEN.has(c.status)).reduce((n, c) => n + c.count, 0);
  return (
    <ul className="counts" aria-label="Open incidents by severity">
      {rows.length === 0 && <li className="muted">No open incidents.</li>}
      {rows.map(([name, s]) => (
        <li key={name}>
          <SeverityBadge name={name} rank={s.rank} /> <strong>{s.open}</strong> open
          {s.unacked > 0 && <span className="overdue"> · {s.unacked} not acknowledged</span>}
        </li>
      ))}
      <li className="muted">{closed.toLocaleString('en')} resolved or closed</li>
    </ul>
  );
}
