import type { Incident } from '../../src/domain/incident.js';
import type { Mitigation } from '../../src/domain/mitigation.js';
import type { Postmortem } from '../../src/domain/postmortem.js';
import type { TimelineEntry } from '../../src/domain/timeline.js';
import type { Received } from './receiver.js';
import type { StoryApp } from './story-app.js';
import { waitFor } from './workspace.js';

export interface VerificationAnswer {
  ok: boolean;
  checks: { name: string; check: string; ok: boolean; detail: string }[];
}

export interface IncidentAnswer {
  incident: Incident;
  mitigations: Mitigation[];
  postmortem: Postmortem | null;
  timeline: TimelineEntry[];
  checklist: { id: string; status: string }[];
}

const MINUTE = 60_000;

/**
 * One incident story told from the outside: each step is timed on the wall clock and printed as
 * `  ✓ what happened (12 ms)`, so `npm test` shows how long detection, mitigation and the rest took.
 */
export class Story {
  readonly steps: { label: string; ms: number }[] = [];

  constructor(
    readonly s: StoryApp,
    readonly title: string,
  ) {
    console.log(`${title}`);
  }

  /** Runs `work`, prints its label (which may use the result) with the measured time, returns the result. */
  async step<T>(label: string | ((value: T) => string), work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const value = await work();
    const ms = performance.now() - started;
    const text = typeof label === 'string' ? label : label(value);
    this.steps.push({ label: text, ms });
    console.log(`  ✓ ${text} (${Math.round(ms)} ms)`);
    return value;
  }

  /** Polls the API until an incident of `service` matches; a detector incident is matched by its rule. */
  async incident(
    service: string,
    match: (i: Incident) => boolean | Promise<boolean>,
    deadlineMs = 5000,
  ): Promise<Incident> {
    let found: Incident | undefined;
    await waitFor(
      async () => {
        const { incidents } = await this.s.api.ok<{ incidents: Incident[] }>(
          'GET',
          `/v1/incidents?service=${service}&limit=100`,
        );
        for (const i of incidents) if (await match(i)) found = i;
        return found !== undefined;
      },
      deadlineMs,
      10,
    );
    if (!found) throw new Error(`no incident of ${service} matched`);
    return found;
  }

  /**
   * The incident a rule's signal opened, or joined: another rule of the same incident type on the same key may
   * have opened it first (one incident per attack, whichever rule or source saw it first).
   */
  byRule = (rule: string) => async (i: Incident) => {
    if (i.fingerprint?.includes(`:${rule}:`)) return true;
    const { timeline } = await this.s.api.ok<{ timeline: TimelineEntry[] }>(
      'GET',
      `/v1/incidents/${i.id}/timeline`,
    );
    return timeline.some((e) => e.kind === 'signal' && e.data.rule === rule && e.data.cleared !== true);
  };

  view(id: string): Promise<IncidentAnswer> {
    return this.s.api.ok<IncidentAnswer>('GET', `/v1/incidents/${id}`);
  }

  verification(id: string): Promise<VerificationAnswer> {
    return this.s.api.ok<VerificationAnswer>('GET', `/v1/incidents/${id}/verification`);
  }

  /** Messages at the local receiver on `path` (/slack, /pagerduty, /security, /support) that name the incident. */
  messages(path: string, incident: Incident): Received[] {
    return this.s.received.filter(
      (r) =>
        r.path === path &&
        (JSON.stringify(r.body).includes(incident.id) ||
          (path === '/pagerduty' &&
            JSON.stringify(r.body).includes(`"dedup_key":"`) &&
            dedupMatches(r, incident))),
    );
  }

  async delivered(path: string, incident: Incident, deadlineMs = 5000): Promise<Received[]> {
    await waitFor(() => Promise.resolve(this.messages(path, incident).length > 0), deadlineMs, 10);
    return this.messages(path, incident);
  }

  /**
   * Moves the shared clock past the rule's hold and quiet period, waits for the detector's once-a-second tick to
   * write the clear on the timeline, then moves on `thenMs` (the verification's "back to baseline for …").
   */
  async clearAndWait(id: string, rule: string, pastMs: number, thenMs: number): Promise<TimelineEntry> {
    this.s.clock.advance(pastMs + MINUTE);
    let clear: TimelineEntry | undefined;
    await waitFor(
      async () => {
        const { timeline } = await this.s.api.ok<{ timeline: TimelineEntry[] }>(
          'GET',
          `/v1/incidents/${id}/timeline`,
        );
        clear = timeline.find((e) => e.kind === 'signal' && e.data.rule === rule && e.data.cleared === true);
        return clear !== undefined;
      },
      5000,
      20,
    );
    this.s.clock.advance(thenMs + MINUTE);
    if (!clear) throw new Error(`${rule} never cleared`);
    return clear;
  }

  /**
   * Like `clearAndWait`, for an incident that several rules joined (one attack seen by an access-log rule and a
   * gateway rule): waits until every rule that signalled has cleared, then moves on `thenMs`.
   */
  async clearAllAndWait(id: string, pastMs: number, thenMs: number): Promise<string[]> {
    this.s.clock.advance(pastMs + MINUTE);
    let rules: string[] = [];
    await waitFor(
      async () => {
        const { timeline } = await this.s.api.ok<{ timeline: TimelineEntry[] }>(
          'GET',
          `/v1/incidents/${id}/timeline`,
        );
        const latest = new Map<string, boolean>();
        for (const e of timeline)
          if (e.kind === 'signal') latest.set(String(e.data.rule), e.data.cleared === true);
        rules = [...latest.keys()];
        return [...latest.values()].every(Boolean);
      },
      5000,
      20,
    );
    this.s.clock.advance(thenMs + MINUTE);
    return rules;
  }

  /** Resolving before the work is done is refused (409), and the named checks are among the failing ones. */
  async refused(id: string, failing: string[]): Promise<VerificationAnswer> {
    const answer = await this.step('"resolved" refused by verification (409)', () =>
      this.s.api.call('POST', `/v1/incidents/${id}/resolve`, {}),
    );
    if (answer.status !== 409) throw new Error(`resolve answered ${answer.status}, not 409`);
    const report = await this.verification(id);
    const names = report.checks.filter((c) => !c.ok).map((c) => c.name);
    for (const name of failing)
      if (!names.includes(name))
        throw new Error(`"${name}" should fail; failing: ${JSON.stringify(report.checks)}`);
    return report;
  }

  /** Verification passes, the incident resolves over the API, the post-mortem is due `dueHours` later. */
  async resolve(id: string, dueHours: number, sections: string[]): Promise<IncidentAnswer> {
    const verified = await this.step('verification passes', () => this.verification(id));
    const failing = verified.checks.filter((c) => !c.ok);
    if (failing.length > 0) throw new Error(`verification still fails: ${JSON.stringify(failing)}`);
    await this.step('resolved (POST …/resolve)', () =>
      this.s.api.ok('POST', `/v1/incidents/${id}/resolve`, { note: 'verified' }),
    );
    const view = await this.step(
      (v) => `post-mortem due ${v.postmortem?.dueAt ?? '?'}`,
      () => this.view(id),
    );
    const due = hoursBetween(view.incident.resolvedAt ?? '', view.postmortem?.dueAt ?? '');
    if (view.incident.status !== 'resolved' || due !== dueHours)
      throw new Error(`${id} is ${view.incident.status}, post-mortem due after ${due} h, not ${dueHours} h`);
    const got = view.postmortem?.sections.map((x) => x.name) ?? [];
    if (JSON.stringify(got) !== JSON.stringify(sections))
      throw new Error(`post-mortem sections ${got.join(', ')}`);
    return view;
  }

  /** Runs the named monitors with `rampart monitors run`, as the person at the terminal would. */
  async monitors(service: string, names: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
    const lines: string[] = [];
    for (const name of names) {
      const run = await this.s.cli(['monitors', 'run', service, name], env);
      if (run.code !== 0) throw new Error(`monitor ${name}: ${run.out} ${run.err}`);
      lines.push(run.out);
    }
    return lines;
  }
}

function dedupMatches(r: Received, incident: Incident): boolean {
  const body = r.body as { dedup_key?: unknown };
  return typeof body.dedup_key === 'string' && body.dedup_key.includes(incident.id);
}

/** Hours between two ISO times, rounded to a minute's precision. */
export const hoursBetween = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / MINUTE) / 60;

export const xff = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });

/** Sends `count` requests, `parallel` at a time; returns the statuses in order. */
export async function sendMany(
  count: number,
  parallel: number,
  request: (i: number) => Promise<Response>,
): Promise<number[]> {
  const statuses: number[] = new Array<number>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await request(i);
      await res.arrayBuffer();
      statuses[i] = res.status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return statuses;
}

export const summary = (statuses: number[]): string => {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n}×${s}`).join(', ');
};
