import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));

export interface GatewayChild {
  port: number;
  pid: number;
  /** Sends a command and waits for its answer. */
  command(op: Record<string, unknown>): Promise<Record<string, unknown>>;
  stderr(): string;
  /** Closes stdin (the gateway drains and exits), then SIGKILLs this pid if it is still there after 5 s. */
  stop(): Promise<void>;
}

/** Spawns gateway-process.ts and waits for its port. */
export async function spawnGateway(env: { REDIS_URL: string; PREFIX: string; UPSTREAM: string }): Promise<GatewayChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const waiting = new Map<number, (v: Record<string, unknown>) => void>();
  let seq = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${err}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`gateway exited ${String(code)}: ${err}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve(msg.port);
      } else waiting.get(msg.seq as number)?.(msg);
    });
  });
  return {
    port,
    pid: child.pid as number,
    command(op) {
      const id = ++seq;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.stdin?.write(`${JSON.stringify({ ...op, seq: id })}\n`);
      });
    },
    stderr: () => err,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
