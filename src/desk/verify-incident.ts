import type { Incident } from '../domain/incident.js';
import { isInForce, type Mitigation } from '../domain/mitigation.js';
import type { TimelineEntry } from '../domain/timeline.js';
import { formatDuration } from '../shared/duration.js';
import type { StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';
import { requireIncident, requireService } from './require-incident.js';
import type { VerificationCheck, VerificationReport, VerificationStep } from './verification-steps.js';

/** Mitigations the incident's timeline says to keep in force after resolution (keep-mitigation). */
export function keptMitigations(entries: readonly TimelineEntry[]): Set<string> {
  const kept = new Set<string>();
  for (const e of entries)
    if (e.kind === 'mitigation' && e.data.kept === true && typeof e.data.mitigation === 'string')
      kept.add(e.data.mitigation);
  return kept;
}

/** Manual steps a responder confirmed (confirm-verification-step), by step name. */
export function confirmedSteps(entries: readonly TimelineEntry[]): Set<string> {
  const done = new Set<string>();
  for (const e of entries)
    if (e.kind === 'verification' && e.data.confirmed === true && typeof e.data.step === 'string')
      done.add(e.data.step);
  return done;
}

/** When the incident was last mitigated: its status stamp or its newest linked mitigation, whichever is later. */
function mitigatedSince(incident: Incident, mitigations: readonly Mitigation[]): number | undefined {
  // A green result from before the incident proves nothing about it: count from its opening at the earliest.
  const times = [Date.parse(incident.createdAt), ...mitigations.map((m) => Date.parse(m.createdAt))];
  if (incident.mitigatedAt) times.push(Date.parse(incident.mitigatedAt));
  return times.length > 0 ? Math.max(...times) : undefined;
}

interface Facts {
  incident: Incident;
  entries: TimelineEntry[];
  mitigations: Mitigation[];
  now: Date;
  repos: StoreRepos;
}

async function monitorsCheck(step: Extract<VerificationStep, { check: 'monitors' }>, f: Facts) {
  const since = mitigatedSince(f.incident, f.mitigations);
  const problems: string[] = [];
  const passes: string[] = [];
  for (const name of step.monitors) {
    const latest = await f.repos.monitorResults.latest(f.incident.service, name);
    if (!latest) problems.push(`${name} has not run`);
    else if (since !== undefined && Date.parse(latest.at) < since)
      problems.push(`${name} has not run since the mitigation (last ${latest.at})`);
    else if (!latest.ok) problems.push(`${name} failing: ${latest.failures.join('; ')}`);
    else passes.push(`${name} green at ${latest.at}`);
  }
  return problems.length > 0
    ? { ok: false, detail: problems.join('; ') }
    : { ok: true, detail: passes.join('; ') };
}

function baselineCheck(step: Extract<VerificationStep, { check: 'error_rate_baseline' }>, f: Facts) {
  // The last word of each rule that signalled this incident must be a clear, at least `for` ago.
  const last = new Map<string, TimelineEntry>();
  for (const e of f.entries)
    if (e.kind === 'signal' && typeof e.data.rule === 'string') last.set(e.data.rule, e);
  if (last.size === 0) return { ok: true, detail: 'no rule signalled this incident' };
  const problems: string[] = [];
  for (const [rule, e] of last) {
    if (e.data.cleared !== true) {
      problems.push(`${rule} has not cleared`);
      continue;
    }
    const clearedAt = Date.parse(typeof e.data.at === 'string' ? e.data.at : e.at);
    const quiet = f.now.getTime() - clearedAt;
    if (quiet < step.forMs)
      problems.push(
        `${rule} clear for ${formatDuration(Math.max(quiet, 0))} of ${formatDuration(step.forMs)}`,
      );
  }
  return problems.length > 0
    ? { ok: false, detail: problems.join('; ') }
    : { ok: true, detail: `${[...last.keys()].join(', ')} clear for at least ${formatDuration(step.forMs)}` };
}

function liftedCheck(f: Facts) {
  const kept = keptMitigations(f.entries);
  const inForce = f.mitigations
    .filter((m) => isInForce(m, f.now))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const blocking = inForce.filter((m) => !kept.has(m.id));
  if (blocking.length > 0)
    return {
      ok: false,
      detail: `still in force: ${blocking.map((m) => `${m.id} (${m.kind} ${m.target})`).join(', ')}`,
    };
  const keptNow = inForce.filter((m) => kept.has(m.id)).map((m) => m.id);
  return {
    ok: true,
    detail: keptNow.length > 0 ? `kept on purpose: ${keptNow.join(', ')}` : 'none in force',
  };
}

/** Evaluates every verification step of the incident's playbook against the store, inside `repos`. */
export async function verifyIn(repos: StoreRepos, ctx: DeskContext, id: string): Promise<VerificationReport> {
  const incident = await requireIncident(repos, id);
  const steps = requireService(ctx, incident.service).verification ?? [];
  if (steps.length === 0) return { ok: true, checks: [] };
  const facts: Facts = {
    incident,
    entries: await repos.timeline.list(incident.id),
    mitigations: await repos.mitigations.list({ incidentId: incident.id }),
    now: ctx.clock.now(),
    repos,
  };
  const confirmed = confirmedSteps(facts.entries);
  const checks: VerificationCheck[] = [];
  for (const step of steps) {
    const base = { name: step.name, check: step.check };
    if (step.check === 'monitors') {
      checks.push({ ...base, ...(await monitorsCheck(step, facts)) });
    } else if (step.check === 'error_rate_baseline') {
      checks.push({ ...base, ...baselineCheck(step, facts) });
    } else if (step.check === 'mitigations_lifted') {
      checks.push({ ...base, ...liftedCheck(facts) });
    } else {
      const ok = confirmed.has(step.name);
      checks.push({ ...base, ok, detail: ok ? 'confirmed by a responder' : `not confirmed: ${step.text}` });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** Whether the incident may be resolved now, and why not: each step of the playbook's verification. */
export async function verifyIncident(ctx: DeskContext, id: string): Promise<VerificationReport> {
  return verifyIn(ctx.store, ctx, id);
}
