import { Link } from 'react-router';
import type { Overview } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { Enforcement } from '../../components/Enforcement.js';
import { Panel } from '../../components/Panel.js';
import { useNow } from '../../components/use-now.js';

export function MitigationsInForce({ mitigations }: { mitigations: Overview['mitigations'] }) {
  const now = useNow(5_000);
  return (
    <Panel id="in-force" title={`Mitigations in force (${mitigations.length})`}>
      {mitigations.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="plain">
          {mitigations.map((m) => (
            <li key={m.id} data-mitigation={m.id}>
              <strong>{m.kind}</strong> <code>{m.shownTarget}</code> on {m.service}{' '}
              {m.incidentId && <Link to={`/incidents/${m.incidentId}`}>{m.incidentId}</Link>} · ends{' '}
              <Countdown to={m.expiresAt} />
              <Enforcement coverage={m.enforcement} now={now} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
