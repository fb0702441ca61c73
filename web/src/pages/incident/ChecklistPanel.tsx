import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import type { ChecklistItem, Incident } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

/** The playbook's checklist in its phases: deadlines counting down, overdue in red, who or what ticked each step. */
export function ChecklistPanel({ incident, checklist }: { incident: Incident; checklist: ChecklistItem[] }) {
  const can = useCan('checklistStep');
  const client = useQueryClient();
  const tick = useMutation({
    mutationFn: (v: { step: string; status: 'done' | 'skipped' | 'pending' }) =>
      api.checklistStep(incident.id, v.step, { status: v.status }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['incident', incident.id] }),
  });
  const phases = [...new Set(checklist.map((i) => i.phase))];
  const closed = incident.status === 'resolved' || incident.status === 'closed';
  return (
    <Panel id="checklist" title="Checklist">
      {phases.length === 0 && <p className="muted">The playbook has no checklist for this service.</p>}
      {phases.map((phase) => (
        <div key={phase} className="phase">
          <h3>{phase}</h3>
          <ul className="checklist">
            {checklist
              .filter((i) => i.phase === phase)
              .map((item) => (
                <li key={item.stepId} className={`step-${item.status}`} data-step={item.stepId}>
                  <span className={`badge step ${item.status}`}>{item.status}</span>{' '}
                  <span className="step-title">{item.title}</span>{' '}
                  {item.automatic && <span className="badge">runs by itself</span>}{' '}
                  {item.status === 'pending' ? (
                    closed ? (
                      <span className="muted">was due {formatTime(item.deadline)}</span>
                    ) : (
                      <>
                        due <Countdown to={item.deadline} />
                      </>
                    )
                  ) : (
                    <span className="muted">
                      {item.status} by {item.completedBy ?? '?'} at {formatTime(item.completedAt)}
                      {item.note && ` — ${item.note}`}
                    </span>
                  )}
                  {can && item.status === 'pending' && (
                    <span className="step-actions">
                      <button
                        type="button"
                        onClick={() => tick.mutate({ step: item.stepId, status: 'done' })}
                      >
                        Done<span className="sr-only">: {item.title}</span>
                      </button>
                      <button
                        type="button"
                        onClick={() => tick.mutate({ step: item.stepId, status: 'skipped' })}
                      >
                        Skip<span className="sr-only">: {item.title}</span>
                      </button>
                    </span>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
      <ErrorNote error={tick.error} />
    </Panel>
  );
}
