import type { MitigationCoverage } from '../api/types.js';
import { formatDuration } from './format.js';

type Point = MitigationCoverage['points'][number];

const named = (p: Point) => `${p.pointKind} ${p.pointName}`;

/** A point that does not hold the mitigation now, in words: "stale, last heard 91s ago", "failed: exit 2". */
function stateText(p: Point, now: number): string {
  const ago = `${formatDuration(now - Date.parse(p.lastHeardAt))} ago`;
  if (p.state === 'stale') return `stale, last heard ${ago}`;
  if (p.state === 'failed') return p.detail ? `failed: ${p.detail}` : 'failed';
  if (p.state === 'pending') return `pending since ${ago}`;
  return p.state;
}

/**
 * Where a mitigation holds, as the API reckons it: "enforced by gateway guest-api@host:1", or "recorded but not
 * enforced"
 * written out (not only coloured) with each point that should have it and why it does not (stale, failed).
 */
export function Enforcement({ coverage, now }: { coverage: MitigationCoverage; now: number }) {
  const enforcing = coverage.points.filter((p) => p.state === 'enforcing');
  const others = coverage.points.filter((p) => p.state !== 'enforcing' && p.state !== 'removed');
  return (
    <div className="enforcement" data-enforced={coverage.enforced}>
      {coverage.enforced ? (
        <span>enforced by {enforcing.map(named).join(', ')}</span>
      ) : (
        <strong className="not-enforced">
          ⚠ recorded but not enforced{others.length === 0 ? ': no gateway, bouncer or hook has it' : ''}
        </strong>
      )}
      {others.length > 0 && (
        <ul className="plain points">
          {others.map((p) => (
            <li key={named(p)} data-point-state={p.state}>
              {named(p)}: {stateText(p, now)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
