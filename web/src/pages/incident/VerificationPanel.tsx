import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { useCan, useSession } from '../../api/session.js';
import type { Incident } from '../../api/types.js';
import { OkBadge } from '../../components/Badges.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { Panel } from '../../components/Panel.js';
import { ReasonAction } from '../../components/ReasonAction.js';

/** What still stands between the incident and "resolved", the playbook's verification, judged by the desk. */
export function VerificationPanel({ incident }: { incident: Incident }) {
  const client = useQueryClient();
  const { state } = useSession();
  const canConfirm = useCan('confirmStep');
  const canResolve = useCan('resolve');
  // Overriding the gate is an admin's call; the desk refuses it from anyone else.
  const isAdmin = state.status === 'signed-in' && state.session.role === 'admin';
  const report = useQuery({
    queryKey: ['incident', incident.id, 'verification'],
    queryFn: () => api.verification(incident.id),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['incident', incident.id] });
  const confirm = useMutation({
    mutationFn: (step: string) => api.confirmStep(incident.id, { step }),
    onSuccess: refresh,
  });
  const resolve = useMutation({ mutationFn: () => api.resolve(incident.id), onSuccess: refresh });
  const open = incident.status !== 'resolved' && incident.status !== 'closed';
  return (
    <Panel id="verification" title="Verification before resolving">
      {report.isPending && <Loading what="verification" />}
      <ErrorNote error={report.error} />
      {report.data && (
        <>
          <p>
            <OkBadge ok={report.data.ok} yes="passes" no="does not pass yet" />{' '}
            {report.data.checks.length === 0 && (
              <span className="muted">The playbook asks for no verification.</span>
            )}
          </p>
          <ul className="checks">
            {report.data.checks.map((c) => (
              <li key={c.name} data-check={c.name}>
                <OkBadge ok={c.ok} yes="ok" no="waiting" /> <strong>{c.name}</strong>{' '}
                <span className="muted">({c.check})</span> — {c.detail}
                {open && canConfirm && c.check === 'manual' && !c.ok && (
                  <button type="button" onClick={() => confirm.mutate(c.name)} disabled={confirm.isPending}>
                    Confirm<span className="sr-only">: {c.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {open && canResolve && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => resolve.mutate()}
            disabled={resolve.isPending}
          >
            Resolve
          </button>
          {isAdmin && report.data && !report.data.ok && (
            <ReasonAction
              label="Resolve with override"
              placeholder="why it is resolved although a check waits"
              danger
              onSubmit={(reason) => api.resolve(incident.id, { override: { reason } })}
            />
          )}
        </div>
      )}
      <ErrorNote error={confirm.error ?? resolve.error} />
    </Panel>
  );
}
