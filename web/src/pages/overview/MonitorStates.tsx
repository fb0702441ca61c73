import type { MonitorState } from '../../api/types.js';
import { OkBadge } from '../../components/Badges.js';
import { Age } from '../../components/Countdown.js';
import { Panel } from '../../components/Panel.js';

export function MonitorStates({ monitors }: { monitors: MonitorState[] }) {
  return (
    <Panel id="monitors" title="Monitors">
      {monitors.length === 0 ? (
        <p className="muted">No monitor runs here (or their variables are unset).</p>
      ) : (
        <ul className="plain">
          {monitors.map((m) => (
            <li key={`${m.service}/${m.name}`}>
              <OkBadge ok={m.latest ? m.latest.ok : null} /> {m.service}/{m.name}
              {m.latest && (
                <span className="muted">
                  {' '}
                  · {m.latest.latencyMs} ms · <Age since={m.latest.at} /> ago
                  {m.latest.failures.length > 0 && ` · ${m.latest.failures.join('; ')}`}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
