import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';

/** The audit log of every change, newest first (admins only, as the API has it). */
export function AuditPage() {
  const can = useCan('audit');
  const [actor, setActor] = useState('');
  const id = useId();
  const audit = useQuery({
    queryKey: ['audit', actor],
    queryFn: () => api.audit({ ...(actor.trim() ? { actor: actor.trim() } : {}), limit: 200 }),
    enabled: can,
  });
  if (!can) return <p>The audit log is for admins.</p>;
  return (
    <div data-ready="audit">
      <h1>Audit log</h1>
      <label htmlFor={id}>Actor</label>{' '}
      <input id={id} value={actor} placeholder="web:alice" onChange={(e) => setActor(e.target.value)} />
      {audit.isPending && <Loading what="the audit log" />}
      <ErrorNote error={audit.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.audit.map((a) => (
              <tr key={a.id}>
                <td>{formatTime(a.at)}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>
                  <code>{a.target}</code>
                </td>
                <td className="details">{JSON.stringify(a.details).slice(0, 300)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
