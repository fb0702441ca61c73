import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import type { Incident, IncidentStatus } from '../../api/types.js';
import { SeverityBadge, StatusBadge } from '../../components/Badges.js';
import { Age } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { ReasonAction } from '../../components/ReasonAction.js';

const LIFECYCLE: IncidentStatus[] = ['triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'];

export function IncidentHeader({ incident }: { incident: Incident }) {
  const client = useQueryClient();
  const canAck = useCan('acknowledge');
  const canMitigated = useCan('mitigated');
  const canSeverity = useCan('severity');
  const canClose = useCan('close');
  const services = useQuery({ queryKey: ['services'], queryFn: () => api.services(), staleTime: Infinity });
  const scale = services.data?.services.find((s) => s.name === incident.service)?.severities ?? [];
  const done = () => client.invalidateQueries({ queryKey: ['incident', incident.id] });
  const ack = useMutation({ mutationFn: () => api.acknowledge(incident.id), onSuccess: done });
  const mitigated = useMutation({ mutationFn: () => api.mitigated(incident.id), onSuccess: done });
  const at = LIFECYCLE.indexOf(incident.status);
  return (
    <header className="incident-head">
      <h1 id="incident-title">
        <span className="muted">{incident.id}</span> {incident.title}
      </h1>
      <p className="facts">
        <SeverityBadge name={incident.severity} rank={incident.severityRank} />{' '}
        <StatusBadge status={incident.status} /> {incident.service}
        {incident.type && <> · {incident.type}</>} · commander{' '}
        <strong>{incident.commander ?? 'none yet'}</strong> · open for <Age since={incident.createdAt} />
      </p>
      <ol className="lifecycle" aria-label="Lifecycle">
        {LIFECYCLE.map((s, i) => (
          <li
            key={s}
            className={i < at ? 'past' : i === at ? 'current' : ''}
            aria-current={i === at ? 'step' : undefined}
          >
            {s}
          </li>
        ))}
      </ol>
      <div className="actions">
        {canAck && incident.status === 'triggered' && (
          <button type="button" className="primary" onClick={() => ack.mutate()} disabled={ack.isPending}>
            Acknowledge
          </button>
        )}
        {canMitigated && (incident.status === 'triggered' || incident.status === 'acknowledged') && (
          <button type="button" onClick={() => mitigated.mutate()} disabled={mitigated.isPending}>
            Mark mitigated
          </button>
        )}
        {canSeverity && incident.status !== 'closed' && scale.length > 0 && (
          <ReasonAction
            label="Change severity"
            placeholder="why the new level"
            extra={{
              label: 'Severity',
              options: scale
                .filter((l) => l.name !== incident.severity)
                .map((l) => ({ value: l.name, label: l.name })),
            }}
            onSubmit={(reason, severity) => api.severity(incident.id, { severity: severity ?? '', reason })}
          />
        )}
        {canClose && incident.status === 'resolved' && (
          <ReasonAction
            label="Close"
            placeholder="closing note"
            reasonRequired={false}
            onSubmit={(note) => api.close(incident.id, note ? { note } : {})}
          />
        )}
      </div>
      <ErrorNote error={ack.error ?? mitigated.error} />
    </header>
  );
}
