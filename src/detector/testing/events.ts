import type { RequestEvent } from '../../domain/request-event.js';
import { loadPlaybook } from '../../playbook/index.js';
import type { Playbook, RuleSpec } from '../../playbook/index.js';
import { ruleSchema } from '../../playbook/schema/detection.js';
import { createDetector } from '../engine.js';
import type { Detector, DetectorOptions } from '../engine.js';
import type { DetectorClear, DetectorSignal } from '../detector-signal.js';

export const T0 = Date.UTC(2025, 9, 19, 12, 0, 0);
export const PLAYBOOKS = new URL('../../../playbooks/', import.meta.url).pathname;

/** A request event with quiet defaults: a 200 GET from 198.51.100.7 to the service "guest-api". */
export function requestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  const ip = overrides.ip ?? '198.51.100.7';
  return {
    time: T0,
    service: 'guest-api',
    source: 'gateway',
    method: 'GET',
    path: '/health',
    query: null,
    route: null,
    host: 'api.example.test',
    status: 200,
    durationMs: 12,
    bytes: 100,
    ip,
    ipPrefix: ip.includes(':') ? null : `${ip.split('.').slice(0, 3).join('.')}.0/24`,
    tokenHash: null,
    tokenPreview: null,
    subject: null,
    tenant: null,
    event: null,
    userAgent: 'test',
    decision: 'allowed',
    rule: null,
    spoofedForwardedFor: false,
    message: null,
    level: null,
    ...overrides,
    fields: { ...overrides.fields },
  };
}

export async function seedPlaybook(
  file: 'fotospiel-public-api.yaml' | '6fb-booking.yaml',
): Promise<Playbook> {
  const loaded = await loadPlaybook(`${PLAYBOOKS}${file}`);
  if (!loaded.ok) throw new Error(`seed playbook ${file} does not load`);
  return loaded.playbook;
}

/** The fotospiel playbook with only the given rules (YAML-shaped input, parsed with the real schema). */
export async function playbookWith(rules: unknown[]): Promise<Playbook> {
  const base = await seedPlaybook('fotospiel-public-api.yaml');
  const parsed: RuleSpec[] = rules.map((r) => ruleSchema.parse(r));
  return { ...base, detection: { ...base.detection, rules: parsed } };
}

export interface Recorder {
  detector: Detector;
  signals: DetectorSignal[];
  clears: DetectorClear[];
}

export function record(playbook: Playbook, options: Partial<DetectorOptions> = {}): Recorder {
  const signals: DetectorSignal[] = [];
  const clears: DetectorClear[] = [];
  const detector = createDetector({
    playbooks: [playbook],
    tokenKey: 'test-token-key-0123456789',
    ...options,
    onSignal: (s) => signals.push(s),
    onClear: (c) => clears.push(c),
  });
  return { detector, signals, clears };
}
