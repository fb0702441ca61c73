import type { MonitorSpec, Playbook } from '../playbook/index.js';
import type { StatusRange } from '../playbook/index.js';
import { RampartError, type ErrorDetail } from '../shared/errors.js';

/** A monitor ready to run: placeholders filled, durations in milliseconds. Holds secrets: never log it. */
export interface CompiledMonitor {
  service: string;
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  expect: {
    status?: StatusRange[];
    headers?: Record<string, string>;
    headersPresent?: string[];
    latencyMaxMs?: number;
    bodyContains?: string;
  };
  repeat: number;
  intervalMs: number;
  timeoutMs: number;
  /** Severity of the signal a failure raises; the playbook's default when absent. */
  severity?: string;
}

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

function fill(text: string, env: Env, missing: Set<string>, encode: boolean): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return '';
    }
    return encode ? encodeURIComponent(value) : value;
  });
}

/**
 * Fills `${NAME}` placeholders from the environment once, at start-up, so a missing variable stops start-up
 * with the monitor's name instead of failing every run. Values in the URL are percent-encoded.
 */
export function compileMonitor(service: string, spec: MonitorSpec, env: Env): CompiledMonitor {
  const missing = new Set<string>();
  const url = fill(spec.request.url, env, missing, true);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.request.headers))
    headers[name.toLowerCase()] = fill(value, env, missing, false);
  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new RampartError(
      'RAMPART_CONFIG',
      `monitor ${spec.name} of ${service} needs the environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')}`,
      names.map((n) => ({ path: `${service}.monitors.${spec.name}`, message: `${n} is not set` })),
    );
  }
  const e = spec.expect;
  return {
    service,
    name: spec.name,
    method: spec.request.method,
    url,
    headers,
    body: spec.request.body,
    expect: {
      ...(e.status ? { status: e.status } : {}),
      ...(e.headers ? { headers: e.headers } : {}),
      ...(e.headers_present ? { headersPresent: e.headers_present } : {}),
      ...(e.latency_max !== undefined ? { latencyMaxMs: e.latency_max } : {}),
      ...(e.body_contains !== undefined ? { bodyContains: e.body_contains } : {}),
    },
    repeat: spec.repeat,
    intervalMs: spec.interval,
    timeoutMs: spec.timeout,
  };
}

/** Every monitor of every playbook; all missing variables are reported together. */
export function compileMonitors(playbooks: readonly Playbook[], env: Env): CompiledMonitor[] {
  const compiled: CompiledMonitor[] = [];
  const details: ErrorDetail[] = [];
  const messages: string[] = [];
  for (const playbook of playbooks) {
    for (const spec of playbook.monitors) {
      try {
        compiled.push(compileMonitor(playbook.service.name, spec, env));
      } catch (error) {
        if (!(error instanceof RampartError)) throw error;
        messages.push(error.message);
        details.push(...error.details);
      }
    }
  }
  if (messages.length > 0) throw new RampartError('RAMPART_CONFIG', messages.join('; '), details);
  return compiled;
}
