import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

/** The machine's Redis, shared by every test: each test uses its own random prefix and deletes its keys. */
export const TEST_REDIS_URL = process.env.RAMPART_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Outside CI a missing Redis skips the Redis suites; with CI=true they run and fail. */
export async function redisSuitesEnabled(url = TEST_REDIS_URL): Promise<boolean> {
  if (process.env.CI === 'true') return true;
  const up = await ping(url);
  if (!up) console.warn(`Redis is not reachable at ${url}: skipping the Redis suites (they fail under CI=true)`);
  return up;
}

export async function ping(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function testPrefix(): string {
  return `rampart-test-${randomUUID().slice(0, 8)}`;
}

/** SCAN + DEL every key under the prefix; returns how many were deleted. */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
  return deleted;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** The redis-server process id (not its `timeout` wrapper). */
  pid: number;
  /** SIGKILL to redis-server only, and wait until it is gone. */
  kill(): Promise<void>;
}

/**
 * A throw-away redis-server on 127.0.0.1 without persistence (so a restart loses everything, like a crashed
 * cache). Wrapped in `timeout` so it dies by itself after lifetimeS even if the test process is killed.
 */
export async function startPrivateRedis(port: number, lifetimeS = 180): Promise<PrivateRedis> {
  const child: ChildProcess = spawn('timeout', ['-s', 'KILL', String(lifetimeS), '/usr/bin/redis-server',
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
  { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  let pid = 0;
  for (let i = 0; i < 100 && pid === 0; i++) {
    if (await ping(url)) {
      const r = new Redis(url);
      const info = await r.info('server');
      await r.quit();
      pid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (pid === 0) {
    child.kill('SIGTERM');
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return {
    port, url, pid,
    async kill() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      await exited;
    },
  };
}
