import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/api.js';
import { SeverityBadge, StatusBadge } from '../../components/Badges.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';

const STATUSES = ['', 'triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'] as const;

/** Every incident, newest first, a bounded page at a time (the API caps a list at 500). */
export function IncidentsPage() {
  const [status, setStatus] = useState<string>('');
  const [limit, setLimit] = useState(100);
  const id = useId();
  const list = useQuery({
    queryKey: ['incidents', status, limit],
    queryFn: () => api.incidents({ ...(status ? { status } : {}), limit }),
    placeholderData: (previous) => previous,
  });
  return (
    <div data-ready="incidents">
      <h1>Incidents</h1>
      <label htmlFor={id}>Status</label>{' '}
      <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s || 'any'}
          </option>
        ))}
      </select>
      {list.isPending && <Loading what="incidents" />}
      <ErrorNote error={list.error} />
      {list.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Service</th>
                <th scope="col">Opened</th>
                <th scope="col">Commander</th>
              </tr>
            </thead>
            <tbody>
              {list.data.incidents.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/incidents/${i.id}`}>
                      {i.id} {i.title}
                    </Link>
                  </td>
                  <td>
                    <SeverityBadge name={i.severity} rank={i.severityRank} />
                  </td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td>{i.service}</td>
                  <td>{formatTime(i.createdAt)}</td>
                  <td>{i.commander ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && list.data.incidents.length === limit && limit < 500 && (
        <button type="button" onClick={() => setLimit(Math.min(500, limit + 100))}>
          Show more
        </button>
      )}
    </div>
  );
}
