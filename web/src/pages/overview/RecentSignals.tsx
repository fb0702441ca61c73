import { Link } from 'react-router';
import type { AuditEntry, TimelineEntry } from '../../api/types.js';
import { formatClock, text } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

/** The newest signals on incidents, and what shadow rules would have done (from the audit log). */
export function RecentSignals({ signals, shadow }: { signals: TimelineEntry[]; shadow: AuditEntry[] }) {
  return (
    <Panel id="signals" title="Recent signals">
      {signals.length === 0 && shadow.length === 0 && <p className="muted">No signal yet.</p>}
      <ul className="plain">
        {signals.map((s) => (
          <li key={s.id}>
            <time dateTime={s.at}>{formatClock(s.at)}</time>{' '}
            <Link to={`/incidents/${s.incidentId}`}>{s.incidentId}</Link> {s.summary}
          </li>
        ))}
        {shadow.map((a) => (
          <li key={`shadow-${a.id}`}>
            <time dateTime={a.at}>{formatClock(a.at)}</time> <span className="badge">shadow</span> rule{' '}
            {text(a.details.rule)} for {text(a.details.groupKey)} would have:{' '}
            {Array.isArray(a.details.wouldApply)
              ? a.details.wouldApply.map((w) => text(w)).join(', ')
              : text(a.details.wouldApply, 'opened an incident')}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
