import { describeFilter, describeMitigation, describeStatus, describeTrigger, dur } from './describe.js';
import { withClientLimitDefaults } from '../domain/client-limits.js';
import { enforcementPointsFor, kindOfAction } from './enforcement-points.js';
import { displayPath } from './packs/display-path.js';
import type { GatewaySpec, Playbook, TokenKindSpec } from './schema.js';

/**
 * What Rampart will do for this service, in the order an on-call person would ask: what is protected and how,
 * what fires, who is told, how recovery is proven, and whether the playbook itself is up to date.
 */
export function explainPlaybook(p: Playbook, now: Date = new Date()): string {
  const out: string[] = [];
  const line = (text = ''): void => {
    out.push(text);
  };
  const s = p.service;
  line(`${s.name} — ${s.title}`);
  if (s.description) line(`  ${s.description}`);
  if (s.owner) line(`  Owner: ${s.owner}`);
  line(`Upstream: ${s.upstream.url} (timeout ${dur(s.upstream.timeout)})`);
  line();
  explainGateway(p, line);
  line();
  explainDetection(p, line);
  explainEnforcement(p, line);
  line();
  line(`Severity scale (default ${p.severity.default}):`);
  for (const level of [...p.severity.scale].sort((a, b) => a.rank - b.rank))
    line(
      `  ${level.name}${level.title ? ` ${level.title}` : ''} (rank ${level.rank}): ${level.summary ?? level.criteria.join('; ')}`,
    );
  if (p.incident_types.length > 0) {
    line('Incident types and their mitigations:');
    for (const t of p.incident_types) {
      line(`  ${t.name} — ${t.title}${t.severity ? ` [${t.severity}]` : ''}`);
      for (const m of t.mitigations) line(`    - ${describeMitigation(m)}`);
    }
  }
  line();
  line('Checklist (consecutive time boxes from the incident start):');
  let elapsed = 0;
  p.checklist.phases.forEach((phase, i) => {
    elapsed += phase.time_box;
    line(`  ${i + 1}. ${phase.name}: ${dur(phase.time_box)} (due ${dur(elapsed)} after start)`);
    for (const step of phase.steps)
      line(`     - ${step.title}${step.automatic ? ` [runs by itself: ${step.automatic}]` : ''}`);
  });
  line();
  explainComms(p, line);
  line();
  explainAfter(p, now, line);
  return out.join('\n');
}

type Line = (text?: string) => void;

function tokenWhere(t: TokenKindSpec): string {
  switch (t.in) {
    case 'path':
      return `the {${t.param}} path segment of ${t.routes.join(', ')}`;
    case 'query':
      return `query parameter "${t.param}"`;
    case 'header':
      return `header ${t.header}`;
    case 'cookie':
      return `cookie ${t.cookie}`;
    case 'jwt': {
      const verify = t.verify
        ? `, verified ${t.verify.algorithms.join('/')} with $${t.verify.secret_env ?? t.verify.public_key_env ?? ''}`
        : ', not verified by the gateway';
      return `JWT in the ${t.header} header (jti "${t.claims.jti}", subject "${t.claims.subject}", issued-at "${t.claims.issued_at}"${t.claims.tenant ? `, tenant "${t.claims.tenant}"` : ''})${verify}`;
    }
  }
}

function explainGateway(p: Playbook, line: Line): void {
  const g: GatewaySpec | undefined = p.gateway;
  line('Routes:');
  for (const r of p.service.routes) {
    const notes = [
      r.critical ? 'critical' : '',
      g?.exempt_routes.includes(r.name) ? 'exempt from limits and maintenance' : '',
    ]
      .filter(Boolean)
      .join(', ');
    line(`  ${r.name.padEnd(16)} ${r.pattern}${notes ? `  (${notes})` : ''}`);
  }
  // Said once per service: the gateway and the log parsers read the same list.
  for (const t of p.service.tokens)
    line(
      `Token ${t.name}: read from ${tokenWhere(t)}${t.in === 'path' || t.in === 'query' ? ' (by the gateway and in logged requests alike)' : ''}; stored only as a keyed hash + preview`,
    );
  if (!g) {
    line('Gateway: none — Rampart only watches logs and alerts for this service.');
    return;
  }
  line(
    `Gateway: listens on ${g.listen ? `${g.listen.host}:${g.listen.port}` : '(set at start-up)'}; trusts forwarded client IPs only from ${g.trusted_proxies.map((p) => (typeof p === 'string' ? p : `${p.cidr} (${p.header})`)).join(', ') || 'nobody'}`,
  );
  for (const l of g.rate_limits)
    line(
      `  Limit ${l.name}: ${l.limit} requests per ${dur(l.window)} per ${l.key}${l.routes ? ` on ${l.routes.join(', ')}` : ' on every non-exempt route'}${l.burst ? ` (+${l.burst} burst)` : ''}; headers ${l.headers.join(', ')}; ${l.shadow ? 'SHADOW: counts what it would refuse (metric rampart_gateway_shadow_limited_total), never answers 429' : '429 + Retry-After when exceeded'}`,
    );
  for (const sw of g.switches)
    line(
      `  Switch ${sw.name}: can turn off ${sw.routes.join(', ')}${sw.description ? ` — ${sw.description}` : ''}`,
    );
  if (g.maintenance)
    line(`  Maintenance: 503 "${g.maintenance.banner}", Retry-After ${dur(g.maintenance.retry_after)}`);
  explainClientLimits(g, line);
}

function explainClientLimits(g: GatewaySpec, line: Line): void {
  const c = g.client_limits ?? {};
  const l = withClientLimitDefaults(
    {
      ...(c.header_timeout === undefined ? {} : { headerTimeoutMs: c.header_timeout }),
      ...(c.body_idle_timeout === undefined ? {} : { bodyIdleTimeoutMs: c.body_idle_timeout }),
      ...(c.body_min_rate === undefined ? {} : { bodyMinRate: c.body_min_rate }),
      ...(c.body_prefetch === undefined ? {} : { bodyPrefetch: c.body_prefetch }),
      ...(c.max_concurrent_per_ip === undefined ? {} : { maxConcurrentPerIp: c.max_concurrent_per_ip }),
      ...(c.max_concurrent_per_prefix === undefined
        ? {}
        : { maxConcurrentPerPrefix: c.max_concurrent_per_prefix }),
      ...(c.upstream_connections === undefined ? {} : { upstreamConnections: c.upstream_connections }),
      ...(c.reserve_for_exempt === undefined ? {} : { reserveForExempt: c.reserve_for_exempt }),
      ...(c.upstream_queue === undefined ? {} : { upstreamQueue: c.upstream_queue }),
    },
    g.exempt_routes.length > 0,
  );
  line(
    `  Slow clients: 408 for a request head not complete within ${dur(l.headerTimeoutMs)} or a body below ${l.bodyMinRate} B/s over ${dur(l.bodyIdleTimeoutMs)}; a body reaches the upstream after ${l.bodyPrefetch} bytes or when complete`,
  );
  line(
    `  Greedy clients: 429 beyond ${l.maxConcurrentPerIp} requests in progress per address, ${l.maxConcurrentPerPrefix} per /24 or /64 (exempt routes not counted)`,
  );
  line(
    `  Upstream: ${l.upstreamConnections} connections${l.reserveForExempt > 0 ? `, ${l.reserveForExempt} of them kept for ${g.exempt_routes.join(', ')}` : ''}; 503 when ${l.upstreamQueue} more are waiting`,
  );
}

function explainDetection(p: Playbook, line: Line): void {
  const d = p.detection;
  const sources = d.sources
    .map((src) => (src.kind === 'log' ? `${src.format} log ${src.path}` : src.kind))
    .join(', ');
  line(`Detection from ${sources}; evidence snapshot keeps ${dur(d.evidence_window)}.`);
  for (const c of d.manual_checks) line(`  Manual check "${c.name}": ${c.command}`);
  for (const include of p.include) {
    const pack = include.resolved;
    if (pack === undefined) continue;
    line(
      `  Rule pack ${pack.name}${pack.title ? ` — ${pack.title}` : ''} (${displayPath(pack.file)}): ${pack.rules.length} rule(s) included.`,
    );
    for (const skipped of pack.skipped) line(`    left out: ${skipped.rule} (${skipped.reason})`);
  }
  for (const r of d.rules) {
    const severity =
      r.severity ?? p.incident_types.find((t) => t.name === r.incident_type)?.severity ?? p.severity.default;
    const head = `  Rule ${r.name} [${severity}${r.incident_type ? `, ${r.incident_type}` : ''}]${r.shadow ? ' (shadow: records only)' : ''}`;
    line(
      `${head}: fires when ${describeTrigger(r.trigger, r.group_by)}, among ${describeFilter(r.filter)}${r.source ? ` from ${r.source}` : ''}.`,
    );
    if (r.mitigation) {
      line(
        `    then ${r.mitigation.automatic && !r.shadow ? 'automatically' : 'suggests'}: ${describeMitigation(r.mitigation)}`,
      );
      const kind = kindOfAction(r.mitigation.action);
      if (kind !== undefined) {
        const points = enforcementPointsFor(p, kind);
        line(
          points.length > 0
            ? `    enforced by: ${points.join(', ')}`
            : `    WARNING: nothing enforces ${kind} for this service (no gateway, bouncer or hook): recorded but not enforced`,
        );
      }
    }
    line(`    recovered after ${dur(r.quiet_period)} without firing.`);
    if (r.pack)
      line(
        `    from pack ${r.pack.pack} (${displayPath(r.pack.file)}:${r.pack.line}), ported from ${r.pack.ported_from.name} (${r.pack.ported_from.licence}).`,
      );
  }
  const cap = d.blast_radius_cap;
  if (cap) {
    const what = [cap.requests ? `${cap.requests} requests` : '', cap.tenants ? `${cap.tenants} tenants` : '']
      .filter(Boolean)
      .join(' or ');
    line(
      `  Automatic mitigations that would hit more than ${what} within ${dur(cap.window)} are held for a person.`,
    );
  }
}

function explainComms(p: Playbook, line: Line): void {
  const c = p.comms;
  const hours = c.business_hours;
  line(
    `Who is told${hours ? ` (business hours ${hours.days.join(',')} ${hours.start}-${hours.end} ${hours.timezone})` : ''}:`,
  );
  if (c.audiences.length === 0) line('  nobody: no audiences defined.');
  for (const a of c.audiences) {
    const channels = a.channels
      .map((ch) => {
        if (ch.type === 'slack') return `Slack${ch.target ? ` ${ch.target}` : ''}`;
        if (ch.type === 'pagerduty') return 'PagerDuty';
        if (ch.type === 'webhook') return 'signed webhook';
        return `e-mail to ${ch.to === 'tenants' ? 'affected tenants' : ch.to.join(', ')}${ch.template ? ` (${ch.template})` : ''}`;
      })
      .join(' + ');
    const sev = a.when.severities ? a.when.severities.join('/') : 'any severity';
    const types = a.when.incident_types ? `, types ${a.when.incident_types.join('/')}` : '';
    const timing = a.timing === 'immediate' ? 'immediately' : 'during business hours';
    line(
      `  ${a.name}: ${channels} — ${sev}${types}, on ${a.when.events.join(', ')}, ${timing}${a.cadence ? `, update every ${dur(a.cadence)}` : ''}${a.requires_approval ? ', after a person approves' : ''}`,
    );
  }
}

function explainAfter(p: Playbook, now: Date, line: Line): void {
  if (p.monitors.length > 0) line('Monitors:');
  for (const m of p.monitors) {
    const e = m.expect;
    const expects = [
      e.status ? `status ${describeStatus(e.status)}` : '',
      e.latency_max !== undefined ? `latency <= ${dur(e.latency_max)}` : '',
      e.headers_present ? `headers ${e.headers_present.join(', ')}` : '',
      e.headers ? `header values ${Object.keys(e.headers).join(', ')}` : '',
      e.body_contains !== undefined ? `body contains "${e.body_contains}"` : '',
    ].filter(Boolean);
    line(
      `  ${m.name}: ${m.request.method} ${m.request.url}${m.repeat > 1 ? ` x${m.repeat}` : ''} every ${dur(m.interval)}, expects ${expects.join(', ') || 'any answer'}`,
    );
  }
  if (p.verification) {
    line('Before "resolved", verification:');
    p.verification.steps.forEach((v, i) => {
      const what =
        v.check === 'monitors'
          ? `monitors ${v.monitors.join(', ')} pass`
          : v.check === 'error_rate_baseline'
            ? `error rate at baseline for ${dur(v.for)}`
            : v.check === 'mitigations_lifted'
              ? 'temporary mitigations lifted'
              : `a person confirms: ${v.text}`;
      line(`  ${i + 1}. ${v.name}: ${what}`);
    });
  }
  if (p.postmortem)
    line(
      `Post-mortem due ${dur(p.postmortem.due)} after resolution; sections ${p.postmortem.sections.join(', ')}.`,
    );
  if (p.routines.length > 0) line('Routines:');
  for (const r of p.routines)
    line(
      `  ${r.every}: ${r.title}${r.owner ? ` (${r.owner})` : ''}${r.run?.monitor ? ` — runs monitor ${r.run.monitor}` : r.run?.drill ? ` — runs drill ${r.run.drill}` : ''}`,
    );
  explainNeverBlock(p, line);
  line(reviewStatus(p, now));
}

function explainNeverBlock(p: Playbook, line: Line): void {
  const n = p.never_block;
  if (!n) return;
  const parts = [
    n.addresses.length > 0 ? `addresses ${n.addresses.join(', ')}` : '',
    n.tokens_env.length > 0 ? `the tokens in ${n.tokens_env.join(', ')}` : '',
    n.subjects.length > 0 ? `subjects ${n.subjects.join(', ')}` : '',
    n.monitors ? "the monitors' own traffic (their tokens; loopback for a local gateway)" : '',
  ].filter(Boolean);
  line(
    `Never block: ${parts.join('; ') || 'nothing listed'} — a mitigation touching one is refused and the refusal recorded; none in force is lifted by this list.`,
  );
}

export function reviewStatus(p: Playbook, now: Date): string {
  const r = p.review;
  if (!r) return 'Review: no review dates set.';
  const parts = [
    r.cadence ? `reviewed ${r.cadence}` : '',
    r.last_reviewed ? `last reviewed ${r.last_reviewed}` : '',
  ].filter(Boolean);
  let status = '';
  if (r.next_review_due) {
    const days = Math.floor((now.getTime() - Date.parse(`${r.next_review_due}T00:00:00Z`)) / 86_400_000);
    status =
      days > 0
        ? `next review was due ${r.next_review_due} — OVERDUE by ${days} day(s)`
        : `next review due ${r.next_review_due}`;
  }
  return `Review: ${[...parts, status].filter(Boolean).join('; ')}.`;
}

function explainEnforcement(p: Playbook, line: Line): void {
  const e = p.enforcement;
  if (!e.bouncers && e.hooks.length === 0) return;
  line('Enforcement points beside the gateway:');
  if (e.bouncers)
    line(
      '  CrowdSec bouncers pull address and range blocks from /v1/decisions/stream (rampart bouncers add NAME).',
    );
  for (const h of e.hooks)
    line(
      `  Hook ${h.name}: runs ${h.command[0] ?? ''} on ${h.on.join(', ')} of ${h.kinds.join(', ')} (killed after ${dur(h.timeout)}).`,
    );
  line(
    `  A mitigation no point acknowledges within ${dur(e.ack_within)} is marked "recorded but not enforced".`,
  );
}
