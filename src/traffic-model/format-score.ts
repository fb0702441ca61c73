import type { Score } from './score.js';

type Table = (headers: readonly string[], rows: readonly (readonly string[])[]) => string;

const seconds = (ms: number | null) => (ms === null ? '-' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** A markdown table (for the README). */
export const markdownTable: Table = (headers, rows) =>
  [headers, headers.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

/** The score as people read it: ordinary traffic first (all zeros is the goal), then rules, then attacks. */
export function formatScore(score: Score, table: Table): string {
  const n = score.normal;
  const limited = Object.entries(n.limitedBy).map(([l, c]) => `${l} ${c}`).join(', ');
  const out = [
    `${score.service} — ${score.title}: ${score.requests} requests, ${score.attackRequests} of them attacks (${score.elapsedMs} ms)`,
    `ordinary traffic: ${n.pages} pages, ${n.automaticMitigations} automatic mitigations, ${n.signals} signals, ${n.shadowSignals} shadow signals, ${n.limited} requests answered 429${limited === '' ? '' : ` (${limited})`}`,
    '',
    table(
      ['rule', 'severity', 'pages', 'automatic', 'true pos.', 'false pos.', 'attacks caught'],
      score.rules.map((r) => [
        r.rule + (r.shadow ? ' (shadow)' : ''),
        r.severity,
        r.page ? 'yes' : 'no',
        r.automatic ? 'yes' : 'no',
        String(r.truePositives),
        String(r.falsePositives),
        r.attacks.join(', ') || '-',
      ]),
    ),
    '',
    table(
      ['attack', 'requests', 'caught', 'by', 'time to incident', 'answered 429'],
      score.attacks.map((a) => [
        a.name + (a.drill !== null ? ' (drill)' : ''),
        String(a.requests),
        a.caught ? 'yes' : 'MISSED',
        a.caughtBy.join(', ') || '-',
        seconds(a.timeToIncidentMs),
        String(a.limited),
      ]),
    ),
  ];
  const fps = score.signals.filter((s) => s.attack === null && !s.shadow);
  if (fps.length > 0) {
    out.push('', 'false positives:');
    for (const s of fps.slice(0, 30))
      out.push(`  ${new Date(s.at).toISOString()} ${s.rule} ${s.key} value ${s.value} ≥ ${s.threshold}${s.page ? ' PAGE' : ''}${s.automatic ? ' AUTO' : ''}`);
    if (fps.length > 30) out.push(`  … and ${fps.length - 30} more`);
  }
  return out.join('\n');
}
