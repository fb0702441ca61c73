import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli/main.js');

/** Starts the built CLI the way `npm start` does and waits (bounded) for it to print its API URL. */
function startUp(
  cwd: string,
): Promise<{ url: string; stop(): Promise<number | null>; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'up', '--port', '0', '--gateway-port', '0'], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`rampart up did not start within 20 s:\n${output}`));
    }, 20_000);
    const check = () => {
      const match = /API\s+(http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      ready({
        url: match[1],
        output: () => output,
        stop: () =>
          new Promise((done) => {
            child.once('exit', (code) => done(code));
            child.kill('SIGINT');
          }),
      });
    };
    child.stdout.on('data', check);
    child.once('exit', () => fail(new Error(`rampart up exited early:\n${output}`)));
  });
}

describe('rampart up (the process npm start runs)', () => {
  let cwd: string;
  beforeAll(() => {
    expect(existsSync(CLI), 'run `npm run build` first (npm test does)').toBe(true);
    cwd = mkdtempSync(join(tmpdir(), 'rampart-up-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('serves the API on embedded defaults, writes a private admin key, and stops cleanly on Ctrl-C', async () => {
    const app = await startUp(cwd);
    try {
      // The seed playbooks tail log files this folder does not have: degraded, and it says which.
      const health = (await (await fetch(`${app.url}/healthz`)).json()) as {
        status: string;
        store: string;
        reasons: { code: string; source?: string }[];
      };
      expect(health).toMatchObject({ status: 'degraded', store: 'sqlite' });
      expect(health.reasons.filter((r) => r.code === 'source-missing').map((r) => r.source).sort()).toEqual([
        'laravel',
        'security-log',
        'uvicorn-access',
        'uvicorn-error',
      ]);
      for (const log of ['logs/uvicorn-access.log', 'logs/uvicorn-error.log', 'logs/security.log', 'storage/logs/laravel.log']) {
        mkdirSync(dirname(join(cwd, log)), { recursive: true });
        writeFileSync(join(cwd, log), '');
      }
      expect(await (await fetch(`${app.url}/healthz`)).json()).toMatchObject({ status: 'ok', store: 'sqlite', reasons: [] });
      expect(existsSync(join(cwd, '.rampart', 'rampart.db'))).toBe(true);
      const keyFile = join(cwd, '.rampart', 'admin.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(app.output()).not.toContain(key);
      const opened = await fetch(`${app.url}/v1/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'booking-api', severity: 'P1', title: 'Authentication bypass' }),
      });
      expect(opened.status).toBe(201);
      expect(app.output()).toContain('protecting guest-api');
      expect(app.output()).toContain('protecting booking-api');
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });
});
