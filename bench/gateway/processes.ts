import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Started {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
}

/** Every process the bench started, by PID, so an exit or Ctrl-C can end exactly those. */
const running = new Map<number, ChildProcess>();

export function track(pid: number, child: ChildProcess): void {
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
}

/** SIGTERM to each PID we started, then SIGKILL to whatever is still there after `graceMs`. */
export async function stopAll(graceMs = 3000): Promise<void> {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      running.delete(pid);
    }
  }
  const deadline = Date.now() + graceMs;
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

let interrupted = false;

/** True once Ctrl-C or the time bound is stopping the bench: failures of killed processes are expected then. */
export function isInterrupted(): boolean {
  return interrupted;
}

/** Ends the bench's own processes on Ctrl-C and on a hard time bound, cleans up, then exits with `code`. */
export function stopOnSignals(boundSeconds: number, cleanup: () => Promise<void> = () => Promise.resolve()): void {
  const bail = (why: string, code: number): void => {
    interrupted = true;
    process.stderr.write(`\n${why}: stopping the bench's processes\n`);
    void stopAll().then(cleanup).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail('interrupted', 130));
  process.once('SIGTERM', () => bail('terminated', 143));
  setTimeout(() => bail(`time bound of ${boundSeconds} s reached`, 124), boundSeconds * 1000).unref();
}

/** Starts `node --import tsx <script>` from the repo root; resolves once it reports its port over IPC. */
export function startNode(name: string, script: string, args: string[], nodeFlags: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid !== undefined) track(child.pid, child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type !== 'ready' || m.port === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      resolve({ name, pid: child.pid, port: m.port, child });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready`));
    });
  });
}

/** Starts a non-Node server and waits until its port accepts connections. */
export async function startCommand(name: string, command: string, args: string[], port: number,
  hint: string): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error(`${command} not found: ${hint}`) : e));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  if (child.pid !== undefined) track(child.pid, child);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await Promise.race([accepts(port), exited]);
    if (up && child.pid !== undefined) return { name, pid: child.pid, port, child };
    if (Date.now() > deadline) throw new Error(`${name} did not open port ${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Asks a child for its {type:'stats'} message (the Rampart child answers with its limiter key counts). */
export function askStats(child: ChildProcess): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      resolve(null);
    }, 5000);
    const on = (m: Record<string, unknown>): void => {
      if (m.type !== 'stats') return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send({ type: 'stats' });
  });
}
