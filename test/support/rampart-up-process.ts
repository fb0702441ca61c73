import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli/main.js');

export interface RampartUp {
  pid: number;
  apiUrl: string;
  /** Gateway URL by service name, as `rampart up` prints them. */
  gateways: Record<string, string>;
  output(): string;
  /** Ctrl-C, as a person would (SIGKILL after 30 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built `rampart up` in `cwd` with the API and every gateway on free ports, and waits (bounded) until
 * it prints where they listen.
 */
export function startRampartUp(cwd: string, env: NodeJS.ProcessEnv, startMs = 30_000): Promise<RampartUp> {
  const child = spawn(process.execPath, [CLI, 'up', '--port', '0', '--gateway-port', '0'], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`rampart up did not start within ${startMs} ms:\n${output}`));
    }, startMs);
    const check = () => {
      const api = /API\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (api === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      const gateways: Record<string, string> = {};
      for (const m of output.matchAll(/gateway\s+(\S+)\s+(http:\/\/\S+)/g)) gateways[m[1]!] = m[2]!;
      ready({
        pid: child.pid!,
        apiUrl: api,
        gateways,
        output: () => output,
        stop: () => {
          if (child.exitCode !== null) return exited;
          child.kill('SIGINT');
          // Bounded: a desk that does not stop within 30 s is killed, so no test leaves one running.
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
          return exited.finally(() => clearTimeout(kill));
        },
      });
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`rampart up exited early:\n${output}`));
    });
  });
}
