import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import type { Covered, Incident, Mitigation, TimelineEntry } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { Enforcement } from '../../components/Enforcement.js';
import { useNow } from '../../components/use-now.js';
import { formatTime, text } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';
import { ReasonAction } from '../../components/ReasonAction.js';

/** What people see as a mitigation's target: a revoked token's preview, never its hash. */
export function shownTarget(m: Mitigation): string {
  return typeof m.data.preview === 'string' ? m.data.preview : m.target;
}

function inForce(m: Mitigation, now: number): boolean {
  return m.liftedAt === null && (m.expiresAt === null || Date.parse(m.expiresAt) > now);
}

/**
 * The blast radius the detector weighed before applying: an "action" entry whose label names this mitigation's
 * target (the entry records the plan's label, not the mitigation id it became).
 */
export function blastRadiusOf(m: Mitigation, timeline: readonly TimelineEntry[]): string | null {
  const target = shownTarget(m);
  const entry = timeline.find(
    (e) =>
      e.kind === 'action' &&
      typeof e.data.mitigation === 'string' &&
      typeof e.data.requests === 'number' &&
      e.data.mitigation.startsWith(m.kind === 'block' ? 'block' : '') &&
      e.data.mitigation.includes(target),
  );
  if (!entry) return null;
  const d = entry.data as { requests: number; tenants?: number; clients?: number };
  return `${d.requests} requests, ${d.tenants ?? 0} tenants, ${d.clients ?? 0} clients`;
}

const EXTEND_CHOICES = [
  { value: String(30 * 60_000), label: '30 minutes from now' },
  { value: String(60 * 60_000), label: '1 hour from now' },
  { value: String(4 * 3_600_000), label: '4 hours from now' },
  { value: String(24 * 3_600_000), label: '24 hours from now' },
];

export function MitigationsPanel({
  incident,
  mitigations,
  timeline,
}: {
  incident: Incident;
  mitigations: Covered[];
  timeline: TimelineEntry[];
}) {
  const canLift = useCan('liftMitigation');
  const canExtend = useCan('extendMitigation');
  const canKeep = useCan('keepMitigation');
  const now = useNow(5_000);
  const kept = new Set(
    timeline
      .filter((e) => e.kind === 'mitigation' && e.data.kept === true)
      .map((e) => text(e.data.mitigation)),
  );
  return (
    <Panel id="mitigations" title={`Mitigations (${mitigations.length})`}>
      {mitigations.length === 0 ? (
        <p className="muted">None applied for {incident.id}.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Target</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
                <th scope="col">Ends</th>
                <th scope="col">Enforced</th>
                <th scope="col">Blast radius</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mitigations.map((m) => {
                const live = inForce(m, now);
                return (
                  <tr key={m.id} data-mitigation={m.id}>
                    <td>{m.kind}</td>
                    <td>
                      <code>{shownTarget(m)}</code>
                    </td>
                    <td>{m.author}</td>
                    <td>{m.reason}</td>
                    <td>
                      {m.liftedAt ? (
                        <span>
                          lifted {formatTime(m.liftedAt)} by {m.liftedBy}
                        </span>
                      ) : live ? (
                        <Countdown to={m.expiresAt} />
                      ) : (
                        <span className="muted">expired {formatTime(m.expiresAt)}</span>
                      )}
                      {kept.has(m.id) && <div className="small">kept after the incident</div>}
                    </td>
                    <td>
                      {live ? (
                        <Enforcement coverage={m.enforcement} now={now} />
                      ) : (
                        <span className="muted">no longer</span>
                      )}
                    </td>
                    <td>{blastRadiusOf(m, timeline) ?? <span className="muted">not weighed</span>}</td>
                    <td className="actions">
                      {live && canLift && (
                        <ReasonAction
                          label="Lift"
                          submitLabel={`Lift ${m.kind}`}
                          placeholder="threat subsided"
                          reasonRequired={false}
                          danger
                          onSubmit={(reason) => api.liftMitigation(m.id, reason || undefined)}
                        />
                      )}
                      {live && canExtend && (
                        <ReasonAction
                          label="Extend"
                          placeholder="the attack goes on"
                          extra={{ label: 'Until', options: EXTEND_CHOICES }}
                          onSubmit={(reason, forMs) =>
                            api.extendMitigation(m.id, { forMs: Number(forMs), reason })
                          }
                        />
                      )}
                      {live && canKeep && !kept.has(m.id) && (
                        <ReasonAction
                          label="Keep after resolving"
                          placeholder="known-bad range"
                          onSubmit={(reason) => api.keepMitigation(m.id, { reason })}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
