import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/shared/logger.js';

/**
 * A service behind someone else's proxy (nginx): Rampart has no gateway section, tails the proxy's access log,
 * and enforces through what the `enforcement` section names (CrowdSec bouncers, action hooks).
 */
export function besideProxyPlaybook(options: {
  upstream: string;
  accessLog: string;
  /** nginx's error log too, when given (format nginx-error). */
  errorLog?: string;
  enforcement: string;
}): string {
  return `rampart: 1
service:
  name: shop
  title: Shop behind nginx
  upstream: { url: "${options.upstream}" }
  routes:
    - { name: login, pattern: /auth/login, methods: [POST] }
    - { name: api, pattern: "/api/*" }
severity:
  scale: [{ name: SEV-1, rank: 1 }, { name: SEV-2, rank: 2 }]
  default: SEV-2
checklist:
  phases: [{ name: Now, time_box: 15m, steps: [{ id: look, title: Look }] }]
detection:
  sources:
    - { kind: log, name: access, path: ${options.accessLog}, format: nginx }
${options.errorLog ? `    - { kind: log, name: errors, path: ${options.errorLog}, format: nginx-error }\n` : ''}  rules:
    - name: failed-logins
      title: Failed logins from one address
      source: access
      filter: { route: [login], status: 401 }
      group_by: [ip]
      trigger: { type: threshold, count: 10, window: 1m }
      mitigation: { action: block, target: ip, for: 1h, automatic: true }
${options.enforcement}`;
}

export interface BesideProxy {
  dir: string;
  app: RunningApp;
  /** Wall-clock ms (Date.now) at which each rule first fired. */
  firedAt: Map<string, number>;
}

/** `rampart up` in-process (what the command runs) in `dir`, its API on `port`, with one playbook. */
export async function startBesideProxy(options: {
  dir?: string;
  port: number;
  playbook: (dir: string) => string;
}): Promise<BesideProxy> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'rampart-beside-'));
  mkdirSync(join(dir, 'playbooks'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'playbooks', 'shop.yaml'), options.playbook(dir));
  // The tailer follows the file from its end, as `tail -F` would; nginx creates it on start.
  for (const name of ['access.log', 'nginx-error.log'])
    if (!existsSync(join(dir, 'logs', name))) writeFileSync(join(dir, 'logs', name), '');
  const app = await startApp({
    config: readConfig({}),
    cwd: dir,
    port: options.port,
    host: '127.0.0.1',
    logger: createLogger({ level: 'warn' }),
    env: {},
  });
  const firedAt = new Map<string, number>();
  app.detection.onOutcome((signal, _outcome, timing) => {
    // performance.now() of the firing, as wall-clock time, to compare with what other processes write.
    // The first firing: the attacker's later attempts may fire the rule again (they join the incident).
    if (!firedAt.has(signal.rule)) firedAt.set(signal.rule, Date.now() - (performance.now() - timing.firedAt));
  });
  return { dir, app, firedAt };
}
