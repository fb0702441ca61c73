import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/rampart-up-process.js';

describe('the rampart command a new user runs (npx rampart …)', () => {
  it('is an executable script after the build, run as a program, not through node', () => {
    // npx runs package.json's bin directly: a build that leaves it 0644 answers "rampart: Permission denied".
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const run = spawnSync(CLI, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
