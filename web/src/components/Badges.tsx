import type { IncidentStatus } from '../api/types.js';

/** Severity with its rank as a colour band; the name is always written out. */
export function SeverityBadge({ name, rank }: { name: string; rank: number }) {
  return <span className={`badge sev sev-${Math.min(Math.max(rank, 0), 4)}`}>{name}</span>;
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <span className={`badge status status-${status}`}>{status}</span>;
}

export function OkBadge({
  ok,
  yes = 'ok',
  no = 'failing',
}: {
  ok: boolean | null;
  yes?: string;
  no?: string;
}) {
  if (ok === null) return <span className="badge">no result yet</span>;
  return <span className={`badge ${ok ? 'ok' : 'bad'}`}>{ok ? yes : no}</span>;
}
