import type { RampartApi } from './rampart-api.js';
import type { StandinClient } from './standin-client.js';

export interface DrillLimits {
  /** Most requests a drill may send in total. */
  maxRequests: number;
  /** Longest a drill waits for Rampart to react, per step. */
  waitMs: number;
}

export const DEFAULT_LIMITS: DrillLimits = { maxRequests: 600, waitMs: 15_000 };

export interface DrillContext {
  /** The gateways' URLs (loopback only). */
  targets: { guest: string; booking: string };
  api: RampartApi;
  standins: { guest: StandinClient; booking: StandinClient };
  /** One line per finished step, as it happens. */
  log: (line: string) => void;
  limits: DrillLimits;
}

export interface DrillStep {
  name: string;
  ms: number;
  ok: boolean;
  detail: string;
}

export interface DrillReport {
  drill: string;
  title: string;
  steps: DrillStep[];
  incident: { id: string; severity: string; type: string | null; status: string; joined: boolean } | null;
  mitigations: { id: string; kind: string; target: string; author: string }[];
  timeline: string[];
  verdict: 'pass' | 'fail';
  totalMs: number;
}

export interface Drill {
  name: string;
  /** Whose gateway it attacks: `--target` replaces that one. */
  service: 'guest' | 'booking';
  title: string;
  /** What the drill does and what Rampart should do, for `rampart drill --list`. */
  explain: string;
  run(ctx: DrillContext, run: DrillRun): Promise<void>;
}

/** A step that did not go as the playbook says; ends the drill with verdict "fail". */
export class DrillFailure extends Error {}

/** Records each step with its measured time and prints it as soon as it ends. */
export class DrillRun {
  readonly steps: DrillStep[] = [];
  incident: DrillReport['incident'] = null;
  mitigations: DrillReport['mitigations'] = [];
  timeline: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** The incident this drill ended up with (opened by it, or an open one it joined). */
  useIncident(
    incident: { id: string; severity: string; type: string | null; status: string },
    joined: boolean,
  ): void {
    this.incident = {
      id: incident.id,
      severity: incident.severity,
      type: incident.type,
      status: incident.status,
      joined,
    };
  }

  /** A mitigation in force for this drill, whoever applied it. */
  useMitigation(m: { id: string; kind: string; target: string; author: string }): void {
    this.mitigations.push({ id: m.id, kind: m.kind, target: m.target, author: m.author });
  }

  /** Runs one step; `work` returns the line to print. A thrown error fails the step and the drill. */
  async step(name: string, work: () => Promise<string> | string): Promise<void> {
    const started = performance.now();
    try {
      const detail = await work();
      this.record(name, performance.now() - started, true, detail);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.record(name, performance.now() - started, false, detail);
      throw new DrillFailure(detail);
    }
  }

  /** A step whose time was measured elsewhere (e.g. from the last request to enforcement). */
  record(name: string, ms: number, ok: boolean, detail: string): void {
    this.steps.push({ name, ms, ok, detail });
    this.log(`  ${ok ? '✓' : '✗'} ${detail} (${seconds(ms)})`);
  }
}

export const seconds = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

/** Runs a drill to its end: a failed step stops it; the report says what happened either way. */
export async function runDrill(drill: Drill, ctx: DrillContext): Promise<DrillReport> {
  const run = new DrillRun(ctx.log);
  const started = performance.now();
  ctx.log(`drill ${drill.name}: ${drill.title}`);
  let failed = false;
  try {
    await drill.run(ctx, run);
  } catch (error) {
    failed = true;
    if (!(error instanceof DrillFailure))
      run.record('error', 0, false, error instanceof Error ? error.message : String(error));
  }
  const verdict = !failed && run.steps.every((s) => s.ok) ? 'pass' : 'fail';
  const totalMs = performance.now() - started;
  ctx.log(`${verdict === 'pass' ? 'PASS' : 'FAIL'} ${drill.name} in ${seconds(totalMs)}`);
  return {
    drill: drill.name,
    title: drill.title,
    steps: run.steps,
    incident: run.incident,
    mitigations: run.mitigations,
    timeline: run.timeline,
    verdict,
    totalMs,
  };
}
