import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { OkBadge } from '../../components/Badges.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

/** Monitors with their last result, and routines with what is due next. */
export function MonitorsPage() {
  const monitors = useQuery({
    queryKey: ['monitors'],
    queryFn: () => api.monitors(),
    refetchInterval: 30_000,
  });
  const routines = useQuery({ queryKey: ['routines'], queryFn: () => api.routines() });
  return (
    <div data-ready="monitors">
      <h1>Monitors and routines</h1>
      <Panel id="monitor-list" title="Monitors">
        <ErrorNote error={monitors.error} />
        {monitors.data?.monitors.length === 0 && <p className="muted">No monitor runs here.</p>}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Monitor</th>
                <th scope="col">Last result</th>
                <th scope="col">At</th>
                <th scope="col">Status / latency</th>
                <th scope="col">Failures</th>
              </tr>
            </thead>
            <tbody>
              {monitors.data?.monitors.map((m) => (
                <tr key={`${m.service}/${m.name}`}>
                  <td>
                    {m.service}/{m.name}
                  </td>
                  <td>
                    <OkBadge ok={m.latest ? m.latest.ok : null} />
                  </td>
                  <td>{formatTime(m.latest?.at)}</td>
                  <td>{m.latest ? `${m.latest.status ?? 'no answer'} in ${m.latest.latencyMs} ms` : '—'}</td>
                  <td>{m.latest?.failures.join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel id="routines" title="Routines and reviews">
        <ErrorNote error={routines.error} />
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Routine</th>
                <th scope="col">Every</th>
                <th scope="col">Owner</th>
                <th scope="col">Next due</th>
                <th scope="col">Last run</th>
              </tr>
            </thead>
            <tbody>
              {routines.data?.routines.map((r) => (
                <tr key={`${r.service}/${r.name}`}>
                  <td>
                    {r.service}: {r.title}
                  </td>
                  <td>{r.every}</td>
                  <td>{r.owner ?? '—'}</td>
                  <td>{r.nextDue ? <Countdown to={r.nextDue} /> : '—'}</td>
                  <td>
                    {r.last ? `${r.last.outcome ?? 'running'} ${formatTime(r.last.startedAt)}` : 'never'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
