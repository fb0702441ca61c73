import { Link } from 'react-router';
import type { ChecklistItem, Overview } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { Panel } from '../../components/Panel.js';

export function Overdue({ steps, updates }: { steps: ChecklistItem[]; updates: Overview['overdueUpdates'] }) {
  return (
    <Panel id="overdue" title="Overdue">
      {steps.length === 0 && updates.length === 0 ? (
        <p className="muted">No checklist step or update is overdue.</p>
      ) : (
        <ul className="plain">
          {updates.map((u) => (
            <li key={`u-${u.incidentId}`}>
              <Link to={`/incidents/${u.incidentId}`}>{u.incidentId}</Link> update due{' '}
              <Countdown to={u.dueAt} />
              {u.commander && <span className="muted"> · commander {u.commander}</span>}
            </li>
          ))}
          {steps.map((s) => (
            <li key={`s-${s.incidentId}-${s.stepId}`}>
              <Link to={`/incidents/${s.incidentId}`}>{s.incidentId}</Link> {s.title}{' '}
              <Countdown to={s.deadline} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
