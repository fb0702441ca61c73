import { Link } from 'react-router';
import type { OpenIncidentRow } from '../../api/types.js';
import { SeverityBadge, StatusBadge } from '../../components/Badges.js';
import { Age, Countdown } from '../../components/Countdown.js';
import { Panel } from '../../components/Panel.js';

export function OpenIncidents({
  open,
  pageSize,
  onPage,
}: {
  open: { total: number; offset: number; rows: OpenIncidentRow[] };
  pageSize: number;
  onPage: (offset: number) => void;
}) {
  const { total, offset, rows } = open;
  return (
    <Panel id="open" title={`Open incidents (${total.toLocaleString('en')})`}>
      {rows.length === 0 ? (
        <p className="muted">Nothing open. A drill (rampart drill token-enumeration) opens one.</p>
      ) : (
        <div className="table-wrap">
          <table className="incidents">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Incident</th>
                <th scope="col">Status</th>
                <th scope="col">Commander</th>
                <th scope="col">Age</th>
                <th scope="col">Time box</th>
                <th scope="col">Next update</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const i = row.incident;
                return (
                  <tr key={i.id} data-incident={i.id}>
                    <td>
                      <SeverityBadge name={i.severity} rank={i.severityRank} />
                    </td>
                    <td>
                      <Link to={`/incidents/${i.id}`}>
                        {i.id} {i.title}
                      </Link>
                      <div className="muted small">{i.service}</div>
                    </td>
                    <td>
                      <StatusBadge status={i.status} />
                      {i.acknowledgedAt === null && <div className="overdue small">not acknowledged</div>}
                    </td>
                    <td>{i.commander ?? <span className="muted">none</span>}</td>
                    <td>
                      <Age since={i.createdAt} />
                    </td>
                    <td>
                      {row.timeBox ? (
                        <>
                          <div className="small">{row.timeBox.phase}</div>
                          <Countdown to={row.timeBox.deadline} />
                          {row.overdueSteps > 0 && (
                            <div className="overdue small">{row.overdueSteps} steps overdue</div>
                          )}
                        </>
                      ) : (
                        <span className="muted">checklist done</span>
                      )}
                    </td>
                    <td>
                      {row.nextUpdateDueAt ? (
                        <Countdown to={row.nextUpdateDueAt} />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {total > pageSize && (
        <nav className="pager" aria-label="Open incidents pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => onPage(Math.max(0, offset - pageSize))}
          >
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + pageSize, total)} of {total.toLocaleString('en')}
          </span>
          <button
            type="button"
            disabled={offset + pageSize >= total}
            onClick={() => onPage(offset + pageSize)}
          >
            Next
          </button>
        </nav>
      )}
    </Panel>
  );
}
