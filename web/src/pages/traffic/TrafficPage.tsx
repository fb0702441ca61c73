import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { api } from '../../api/api.js';
import { Enforcement } from '../../components/Enforcement.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { formatDuration, formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.js';
import { useNow } from '../../components/use-now.js';
import { TokenTable } from './TokenTable.js';
import { TopTalkersTable } from './TopTalkersTable.js';

/** Requests, errors, denials and latency per service and route, top talkers, tokens, and what is enforced. */
export function TrafficPage() {
  const [selected, setSelected] = useState('');
  const [service, route] = selected
    ? (selected.split('\u0000') as [string, string?])
    : [undefined, undefined];
  const id = useId();
  const traffic = useQuery({
    queryKey: ['traffic', selected],
    queryFn: () => api.traffic({ ...(service ? { service } : {}), ...(route ? { route } : {}) }),
    refetchInterval: 30_000,
  });
  const enforced = useQuery({ queryKey: ['mitigations'], queryFn: () => api.mitigations() });
  const now = useNow(5_000);
  const points = useMemo(() => traffic.data?.points ?? [], [traffic.data]);
  const counts = useMemo(
    () => ({
      times: points.map((p) => p.t),
      series: [
        { label: 'requests', values: points.map((p) => p.requests), color: '#1f4e79' },
        { label: '4xx', values: points.map((p) => p.s4xx), color: '#8a5a00' },
        { label: '5xx', values: points.map((p) => p.s5xx), color: '#b3261e' },
        { label: '429', values: points.map((p) => p.s429), color: '#6b3fa0' },
      ],
    }),
    [points],
  );
  const latency = useMemo(
    () => ({
      times: points.map((p) => p.t),
      series: [{ label: 'p95 ms', values: points.map((p) => p.p95Ms), color: '#00695c' }],
    }),
    [points],
  );
  const services = [...new Set((traffic.data?.routes ?? []).map((r) => r.service))];
  return (
    <div data-ready="traffic">
      <h1>Traffic and tokens</h1>
      {traffic.isPending && <Loading what="traffic" />}
      <ErrorNote error={traffic.error} />
      {traffic.data && (
        <Panel id="series" title={`Per minute, last ${formatDuration(traffic.data.spanMs)}`}>
          <label htmlFor={id}>Service and route</label>{' '}
          <select id={id} value={selected} onChange={(e) => setSelected(e.target.value)}>
            <option value="">every service</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            {traffic.data.routes.map((r) => (
              <option key={`${r.service}/${r.route}`} value={`${r.service}\u0000${r.route}`}>
                {r.service} {r.route} ({r.requests})
              </option>
            ))}
          </select>
          <div className="grid-2">
            <TimeSeriesChart title="Requests, 4xx, 5xx and 429" {...counts} />
            <TimeSeriesChart title="p95 latency (ms)" yLabel="ms" {...latency} />
          </div>
        </Panel>
      )}
      <div className="grid-2">
        <TopTalkersTable service={service} />
        <Panel id="enforced" title="Blocks and revocations in force">
          {enforced.data?.mitigations.length === 0 && <p className="muted">None.</p>}
          <ul className="plain">
            {enforced.data?.mitigations.map((m) => (
              <li key={m.id}>
                <strong>{m.kind}</strong>{' '}
                <code>{typeof m.data.preview === 'string' ? m.data.preview : m.target}</code> on {m.service}{' '}
                until {formatTime(m.expiresAt)}
                <Enforcement coverage={m.enforcement} now={now} />
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      <TokenTable service={service} />
    </div>
  );
}
