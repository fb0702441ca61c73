import type { Incident } from '../../api/types.js';
import { formatDuration, formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

function since(start: string, end: string | null): string {
  return end === null ? '—' : formatDuration(Date.parse(end) - Date.parse(start));
}

/** When each lifecycle step happened, and the times to acknowledge, mitigate and resolve. */
export function Milestones({ incident: i }: { incident: Incident }) {
  const rows: [string, string | null, string][] = [
    ['Opened', i.createdAt, ''],
    ['Acknowledged', i.acknowledgedAt, `time to acknowledge ${since(i.createdAt, i.acknowledgedAt)}`],
    ['Mitigated', i.mitigatedAt, `time to mitigate ${since(i.createdAt, i.mitigatedAt)}`],
    ['Resolved', i.resolvedAt, `time to resolve ${since(i.createdAt, i.resolvedAt)}`],
    ['Closed', i.closedAt, ''],
  ];
  return (
    <Panel id="milestones" title="Milestones">
      <dl className="milestones">
        {rows.map(([name, at, extra]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              {at ? <time dateTime={at}>{formatTime(at)}</time> : <span className="muted">not yet</span>}
              {at && extra && <span className="muted"> · {extra}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
