import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/api.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

const SORTS = [
  ['requests', 'requests'],
  ['addresses', 'distinct addresses'],
  ['denied', 'denials'],
  ['lastSeen', 'last seen'],
] as const;

/** Token analytics by preview (never the token): the dashboard the fotospiel backlog asks for. */
export function TokenTable({ service }: { service: string | undefined }) {
  const [sort, setSort] = useState<string>('requests');
  const id = useId();
  const tokens = useQuery({
    queryKey: ['traffic', 'tokens', service, sort],
    queryFn: () => api.tokens({ ...(service ? { service } : {}), sort, limit: 50 }),
    refetchInterval: 30_000,
  });
  return (
    <Panel id="tokens" title="Tokens">
      <label htmlFor={id}>Sort by</label>{' '}
      <select id={id} value={sort} onChange={(e) => setSort(e.target.value)}>
        {SORTS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <ErrorNote error={tokens.error} />
      {tokens.data?.tokens.length === 0 && <p className="muted">No request with a token seen since start.</p>}
      {tokens.data && tokens.data.tokens.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Service</th>
                <th scope="col">Requests</th>
                <th scope="col">Addresses</th>
                <th scope="col">Prefixes</th>
                <th scope="col">Denied</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((t) => (
                <tr key={`${t.service}/${t.preview}/${t.firstSeen}`}>
                  <td>
                    <code>{t.preview}</code>
                  </td>
                  <td>{t.service}</td>
                  <td>{t.requests}</td>
                  <td>
                    {t.addresses}
                    {t.capped && '+'}
                  </td>
                  <td>
                    {t.prefixes}
                    {t.capped && '+'}
                  </td>
                  <td>{t.denied}</td>
                  <td>{formatTime(t.firstSeen)}</td>
                  <td>{formatTime(t.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
