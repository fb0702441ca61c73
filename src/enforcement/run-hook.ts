import { spawn } from 'node:child_process';
import type { Mitigation } from '../domain/mitigation.js';
import type { HookEvent } from '../playbook/schema/enforcement.js';
import { scopeOf } from './crowdsec-decision.js';

/** What a hook is given and how long it may take. */
export interface HookCommand {
  name: string;
  command: readonly string[];
  timeoutMs: number;
  env?: Readonly<Record<string, string>> | undefined;
}

export interface HookResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
  /** The first bytes of stdout and stderr together; `truncated` when there was more. */
  output: string;
  truncated: boolean;
  /** Why it could not start (ENOENT, EACCES), when it did not. */
  error?: string;
}

/** A hook's output is for the timeline: the first 4 KB, the rest read and dropped so the pipe never blocks it. */
export const MAX_HOOK_OUTPUT = 4096;
/** After the timeout: SIGTERM to its process group, then SIGKILL if it is still there this much later. */
const KILL_GRACE_MS = 1000;

/** The mitigation's fields for the hook, as RAMPART_* variables: nothing is ever put through a shell. */
export function hookFields(event: HookEvent, m: Mitigation, now: Date): Record<string, string> {
  const left =
    m.expiresAt === null
      ? ''
      : String(Math.max(0, Math.round((Date.parse(m.expiresAt) - now.getTime()) / 1000)));
  const scope = m.kind === 'block' ? (scopeOf(m.target).scope === 'Ip' ? 'ip' : 'range') : '';
  return {
    RAMPART_ACTION: event,
    RAMPART_MITIGATION_ID: m.id,
    RAMPART_SERVICE: m.service,
    RAMPART_KIND: m.kind,
    RAMPART_TARGET: m.target,
    RAMPART_SCOPE: scope,
    RAMPART_EXPIRES_AT: m.expiresAt ?? '',
    RAMPART_SECONDS_LEFT: left,
    RAMPART_INCIDENT: m.incidentId ?? '',
    RAMPART_AUTHOR: m.author,
    RAMPART_REASON: m.reason,
    RAMPART_BANNER: typeof m.data.banner === 'string' ? m.data.banner : '',
    RAMPART_LIMIT: typeof m.data.limit === 'number' ? String(m.data.limit) : '',
  };
}

/** `{target}` and friends inside one argument: replaced in place, the argument stays one argument. */
export function expandArgs(args: readonly string[], fields: Record<string, string>): string[] {
  const values: Record<string, string> = {
    action: fields.RAMPART_ACTION ?? '',
    id: fields.RAMPART_MITIGATION_ID ?? '',
    service: fields.RAMPART_SERVICE ?? '',
    kind: fields.RAMPART_KIND ?? '',
    target: fields.RAMPART_TARGET ?? '',
    scope: fields.RAMPART_SCOPE ?? '',
    seconds: fields.RAMPART_SECONDS_LEFT ?? '',
  };
  return args.map((arg) =>
    arg.replace(/\{(action|id|service|kind|target|scope|seconds)\}/g, (_, k: string) => values[k] ?? ''),
  );
}

/**
 * Runs one hook: argv without a shell, in its own process group (so a timeout kills what it started too), with
 * only PATH, HOME and LANG from Rampart's environment (never its secrets), its playbook env and the fields.
 */
export function runHook(
  hook: HookCommand,
  fields: Record<string, string>,
  options: { cwd: string },
): Promise<HookResult> {
  const started = performance.now();
  const [program, ...rest] = expandArgs(hook.command, fields);
  const inherited: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ'])
    if (process.env[name] !== undefined) inherited[name] = process.env[name];
  return new Promise((resolve) => {
    let output = '';
    let truncated = false;
    let timedOut = false;
    const keep = (chunk: Buffer) => {
      if (output.length >= MAX_HOOK_OUTPUT) {
        truncated = true;
        return;
      }
      const text = chunk.toString('utf8');
      const room = MAX_HOOK_OUTPUT - output.length;
      if (text.length > room) truncated = true;
      output += text.slice(0, room);
    };
    const done = (result: Omit<HookResult, 'ms' | 'output' | 'truncated' | 'timedOut'>) =>
      resolve({ ...result, timedOut, ms: performance.now() - started, output, truncated });
    let child;
    try {
      child = spawn(program ?? '', rest, {
        cwd: options.cwd,
        env: { ...inherited, ...hook.env, ...fields },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        shell: false,
      });
    } catch (error) {
      done({ ok: false, exitCode: null, signal: null, error: (error as Error).message });
      return;
    }
    const pid = child.pid;
    const killGroup = (signal: NodeJS.Signals) => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // Already gone.
      }
    };
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      grace = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, hook.timeoutMs);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      done({
        ok: false,
        exitCode: null,
        signal: null,
        error: `${error.code ?? 'error'}: cannot run ${program ?? ''}`,
      });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      // Anything it left in its group (a backgrounded child) goes with it.
      if (timedOut) killGroup('SIGKILL');
      done({ ok: code === 0 && !timedOut, exitCode: code, signal });
    });
  });
}

/** One line for the timeline: "exit 0 in 35 ms", "killed after 10000 ms (timeout)", "ENOENT: cannot run …". */
export function describeHookResult(r: HookResult): string {
  if (r.error) return r.error;
  if (r.timedOut) return `killed after ${Math.round(r.ms)} ms (timeout)`;
  if (r.signal) return `ended by ${r.signal} after ${Math.round(r.ms)} ms`;
  return `exit ${r.exitCode ?? '?'} in ${Math.round(r.ms)} ms`;
}
