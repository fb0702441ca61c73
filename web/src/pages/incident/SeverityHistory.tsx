import type { Incident, TimelineEntry } from '../../api/types.js';
import { formatTime, text } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

/** The severity at opening and every change since, with who changed it and why (from the timeline). */
export function SeverityHistory({ incident, timeline }: { incident: Incident; timeline: TimelineEntry[] }) {
  const changes = timeline.filter((e) => e.kind === 'severity');
  const created = timeline.find((e) => e.kind === 'created');
  return (
    <Panel id="severity" title="Severity">
      <ol className="plain">
        <li>
          <time dateTime={incident.createdAt}>{formatTime(incident.createdAt)}</time> opened as{' '}
          <strong>{text(created?.data.severity ?? changes[0]?.data.from, incident.severity)}</strong>
          {created && <span className="muted"> by {created.actor}</span>}
        </li>
        {changes.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{formatTime(e.at)}</time> {e.summary}{' '}
            <span className="muted">by {e.actor}</span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
