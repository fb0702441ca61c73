import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isLogsCommand } from './logs-program.js';

describe('the lean `rampart logs` program', () => {
  it('is used for logs commands, global options before them included, and not for help or other commands', () => {
    expect(isLogsCommand(['logs', 'replay', 'a.log', '--playbook', 'p.yaml'])).toBe(true);
    expect(isLogsCommand(['--playbooks', 'dir', 'logs', 'replay', 'a.log'])).toBe(true);
    expect(isLogsCommand(['--playbooks=dir', 'logs', 'replay', 'a.log'])).toBe(true);
    expect(isLogsCommand(['logs'])).toBe(false);
    expect(isLogsCommand(['logs', 'replay', '--help'])).toBe(false);
    expect(isLogsCommand(['up'])).toBe(false);
    expect(isLogsCommand(['playbook', 'validate', 'logs'])).toBe(false);
  });
});

/**
 * The modules `rampart logs …` loads: every import (type-only ones aside) reachable from logs-program.ts, followed
 * through the project's sources, and the packages they name. Dynamic imports are not followed: they load later.
 */
function reachablePackages(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  const importFrom = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(importFrom)) {
      if (spec === undefined || spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) pending.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  }
  return { files, packages };
}

describe('what `rampart logs replay` loads', () => {
  it('reads, parses and runs rules without loading the store, the gateway, the notifiers or Redis', () => {
    const { files, packages } = reachablePackages(resolve(import.meta.dirname, 'logs-program.ts'));
    // Loading these took half a second of a replay's start-up (0.55 s against 0.31 s for a 10-line log).
    for (const heavy of ['ioredis', 'pg', 'kysely', 'libsql', 'jose', 'nodemailer', 'undici', 'pino', 'fastify'])
      expect([...packages], heavy).not.toContain(heavy);
    const parts = [...files].map((f) => f.slice(resolve(import.meta.dirname, '..').length + 1).split('/')[0]);
    for (const part of ['store', 'gateway', 'notify', 'desk', 'app']) expect(parts, part).not.toContain(part);
    // It does follow the replay itself: the walk would find a heavy import there.
    expect([...files].some((f) => f.endsWith('detector/replay.ts'))).toBe(true);
    expect([...packages]).toContain('yaml');
  });
});
