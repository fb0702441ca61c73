import { Link } from 'react-router';
import type { Overview } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { Panel } from '../../components/Panel.js';

export function MitigationsInForce({ mitigations }: { mitigations: Overview['mitigations'] }) {
  return (
    <Panel id="in-force" title={`Mitigations in force (${mitigations.length})`}>
      {mitigations.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="plain">
          {mitigations.map((m) => (
            <li key={m.id}>
              <strong>{m.kind}</strong> <code>{m.shownTarget}</code> on {m.service}{' '}
              {m.incidentId && <Link to={`/incidents/${m.incidentId}`}>{m.incidentId}</Link>} · ends{' '}
              <Countdown to={m.expiresAt} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
