import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/api.js';
import type { Incident, TimelineEntry } from '../../api/types.js';
import { Panel } from '../../components/Panel.js';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.js';
import { evidenceOf, tally } from './evidence.js';

const LISTS = [
  ['ips', 'Addresses'],
  ['tokenPreviews', 'Token previews'],
  ['tenants', 'Tenants'],
  ['events', 'Events'],
] as const;

/**
 * What the incident touches: the scope the desk keeps, plus the routes and prefixes of its evidence, and the
 * service's traffic over the incident's window while this process still holds it (two hours of minutes).
 */
export function ScopePanel({ incident, timeline }: { incident: Incident; timeline: TimelineEntry[] }) {
  const snapshots = useMemo(() => evidenceOf(timeline), [timeline]);
  const routes = tally(snapshots, 'route');
  const prefixes = tally(snapshots, 'ipPrefix');
  const from = new Date(Date.parse(incident.createdAt) - 15 * 60_000).toISOString();
  const to = incident.resolvedAt ?? undefined;
  const traffic = useQuery({
    queryKey: ['incident', incident.id, 'traffic'],
    queryFn: () => api.traffic({ service: incident.service, from, ...(to ? { to } : {}) }),
    retry: false,
  });
  const points = useMemo(() => traffic.data?.points ?? [], [traffic.data]);
  const chart = useMemo(
    () => ({
      times: points.map((p) => p.t),
      series: [
        { label: 'requests', values: points.map((p) => p.requests), color: '#1f4e79' },
        { label: 'denied', values: points.map((p) => p.denied), color: '#b3261e' },
        { label: '5xx', values: points.map((p) => p.s5xx), color: '#8a5a00' },
      ],
    }),
    [points],
  );
  return (
    <Panel id="scope" title="Scope">
      <div className="scope-lists">
        {LISTS.map(([field, label]) => (
          <div key={field}>
            <h3>
              {label} ({incident.scope[field].length})
            </h3>
            {incident.scope[field].length === 0 ? (
              <p className="muted">none</p>
            ) : (
              <ul className="chips">
                {incident.scope[field].slice(0, 50).map((v) => (
                  <li key={v}>
                    <code>{v}</code>
                  </li>
                ))}
                {incident.scope[field].length > 50 && (
                  <li className="muted">+{incident.scope[field].length - 50} more</li>
                )}
              </ul>
            )}
          </div>
        ))}
        <div>
          {/* Tokens are counted by keyed hash (two tokens may share a preview); the hashes themselves stay hidden. */}
          <h3>Tokens ({(incident.scope.tokens ?? []).length})</h3>
          <p className="muted">distinct tokens, counted by keyed hash</p>
        </div>
        <div>
          <h3>Routes (from the evidence)</h3>
          {routes.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul className="chips">
              {routes.map(([r, n]) => (
                <li key={r}>
                  <code>{r}</code> ×{n}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Prefixes (from the evidence)</h3>
          {prefixes.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul className="chips">
              {prefixes.map(([p, n]) => (
                <li key={p}>
                  <code>{p}</code> ×{n}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {traffic.isError ? (
        <p className="muted">No traffic series in this process (it runs no gateway or detector).</p>
      ) : (
        <TimeSeriesChart
          title={`${incident.service} traffic around the incident, per minute`}
          {...chart}
          height={150}
        />
      )}
    </Panel>
  );
}
