import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import type { Incident, OutboxMessage } from '../../api/types.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

function preview(m: OutboxMessage): string {
  const p = m.payload as { headline?: string; subject?: string; text?: string; body?: string };
  return [p.subject ?? p.headline, p.body ?? p.text].filter(Boolean).join(' — ');
}

/** The outbox of this incident per audience and channel; a held message shows what it would say, and waits. */
export function CommsPanel({ incident }: { incident: Incident }) {
  const canApprove = useCan('approveNotification');
  const client = useQueryClient();
  const outbox = useQuery({
    queryKey: ['incident', incident.id, 'notifications'],
    queryFn: () => api.notifications({ incident: incident.id, limit: 500 }),
  });
  const approve = useMutation({
    mutationFn: (id: number) => api.approveNotification(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ['incident', incident.id] }),
  });
  const messages = outbox.data?.notifications ?? [];
  const groups = new Map<string, OutboxMessage[]>();
  for (const m of messages) {
    const key = `${m.audience} · ${m.channel}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return (
    <Panel id="comms" title={`Comms (${messages.length})`}>
      {outbox.isPending && <Loading what="the outbox" />}
      <ErrorNote error={outbox.error ?? approve.error} />
      {outbox.data && messages.length === 0 && <p className="muted">No message for this incident.</p>}
      {[...groups.entries()].map(([group, list]) => (
        <div key={group} className="comms-group">
          <h3>{group}</h3>
          <ul className="plain">
            {list.map((m) => (
              <li key={m.id} data-outbox={m.id}>
                <span className={`badge outbox-${m.status}`}>{m.status}</span> {preview(m)}{' '}
                <span className="muted">
                  {m.deliveredAt ? `delivered ${formatTime(m.deliveredAt)}` : `${m.attempts} attempts`}
                  {m.lastError && ` · ${m.lastError}`}
                </span>
                {m.status === 'held' && canApprove && (
                  <button type="button" className="primary" onClick={() => approve.mutate(m.id)}>
                    Approve and send
                    <span className="sr-only">
                      : {m.audience} {m.channel}
                    </span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Panel>
  );
}
