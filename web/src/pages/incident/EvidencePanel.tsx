import { useId, useMemo, useState } from 'react';
import { pathOf } from '../../api/endpoints.js';
import type { Incident, TimelineEntry } from '../../api/types.js';
import { formatTime, text } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';
import { evidenceOf } from './evidence.js';

const COLUMNS = ['time', 'method', 'path', 'status', 'ip', 'tokenPreview', 'decision', 'rule'] as const;
const SHOWN = 200;

/** The frozen evidence: each snapshot's span, count and SHA-256 with a download, and its events, filterable. */
export function EvidencePanel({ incident, timeline }: { incident: Incident; timeline: TimelineEntry[] }) {
  const snapshots = useMemo(() => evidenceOf(timeline), [timeline]);
  const [filter, setFilter] = useState('');
  const id = useId();
  const needle = filter.trim().toLowerCase();
  const rows = useMemo(
    () =>
      snapshots
        .flatMap((s) => s.events)
        .filter((e) => needle === '' || COLUMNS.some((c) => text(e[c]).toLowerCase().includes(needle))),
    [snapshots, needle],
  );
  return (
    <Panel id="evidence" title={`Evidence (${snapshots.length})`}>
      {snapshots.length === 0 ? (
        <p className="muted">No snapshot yet.</p>
      ) : (
        <>
          <ul className="plain">
            {snapshots.map((s) => (
              <li key={s.entry.id}>
                {formatTime(s.from)} – {formatTime(s.to)}: {s.count} events
                {s.truncated && ' (the stored list is cut)'}
                <div className="hash">
                  SHA-256 <code>{s.hash}</code>
                </div>
                <a href={pathOf('evidence', { id: incident.id, entry: s.entry.id })} download>
                  Download snapshot {s.entry.id} (JSON)
                </a>
              </li>
            ))}
          </ul>
          <label htmlFor={id}>Filter events</label>
          <input
            id={id}
            type="search"
            value={filter}
            placeholder="address, path, status…"
            onChange={(e) => setFilter(e.target.value)}
          />
          <div className="table-wrap">
            <table className="events">
              <caption className="sr-only">Evidence events</caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, SHOWN).map((e, i) => (
                  <tr key={i}>
                    {COLUMNS.map((c) => (
                      <td key={c}>{text(e[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">
            {rows.length > SHOWN
              ? `First ${SHOWN} of ${rows.length} matching events.`
              : `${rows.length} matching events.`}
          </p>
        </>
      )}
    </Panel>
  );
}
