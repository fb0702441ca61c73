import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import type { Talker } from '../../api/types.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatDuration } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

function Table({ caption, rows }: { caption: string; rows: Talker[] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Client</th>
          <th scope="col">Requests</th>
          <th scope="col">Denied</th>
          <th scope="col">4xx</th>
          <th scope="col">5xx</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.key}>
            <td>
              <code>{t.key}</code>
            </td>
            <td>{t.requests}</td>
            <td>{t.denied}</td>
            <td>{t.s4xx}</td>
            <td>{t.s5xx}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TopTalkersTable({ service }: { service: string | undefined }) {
  const top = useQuery({
    queryKey: ['traffic', 'top', service],
    queryFn: () => api.top({ ...(service ? { service } : {}), limit: 10 }),
    refetchInterval: 30_000,
  });
  const data = top.data;
  return (
    <Panel id="top" title={data ? `Top clients, last ${formatDuration(data.to - data.from)}` : 'Top clients'}>
      <ErrorNote error={top.error} />
      {data && (
        <>
          <p className="muted small">
            {data.events} events
            {data.truncated && ' (more than the detector keeps: the oldest are not counted)'}
          </p>
          <Table caption="Addresses" rows={data.addresses} />
          <Table caption="Prefixes (/24, /64)" rows={data.prefixes} />
        </>
      )}
    </Panel>
  );
}
