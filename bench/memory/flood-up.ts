/**
 * Memory of the all-in-one process under a flood of invented tokens and addresses, beside the standalone
 * gateway, in one run. `--requests` requests (default 280,000) go to `rampart up` (gateway, detector, desk,
 * console's traffic aggregates: everything in one process), then the same flood to `rampart gateway` (the
 * gateway alone), each request with a new join token in the path and a new client address in X-Forwarded-For
 * (the fotospiel playbook trusts loopback). Both run the built CLI (npm run build) on loopback ports 23100–23299
 * with the seed playbooks, upstreams pointed at one trivial local server; SQLite in a temp folder, no Redis.
 * RSS is read from /proc before and after; the run is bounded by --max-seconds per flood and stops everything
 * it started (by PID) at the end or on Ctrl-C. Exit 1 if the all-in-one peak passes --cap-mb.
 *
 *   node --import tsx bench/memory/flood-up.ts [--requests 280000] [--connections 64] [--cap-mb 500]
 *     [--max-seconds 600] [--max-old-space-mb 160]
 *
 * Needs wrk (apt-get install wrk).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, memory } from '../gateway/proc.js';
import { isInterrupted, ROOT, startNode, stopAll, stopOnSignals, track } from '../gateway/processes.js';
import { runWrk, writeFloodScript } from '../gateway/wrk.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '280000' },
    connections: { type: 'string', default: '64' },
    'cap-mb': { type: 'string', default: '500' },
    'max-seconds': { type: 'string', default: '600' },
    /** Passed to both processes as --max-old-space-size: V8 collects lazily up to its limit, so RSS follows it. */
    'max-old-space-mb': { type: 'string' },
  },
});
const int = (name: string, raw: string, min: number, max: number): number => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};
const total = int('requests', values.requests, 1, 10_000_000);
const connections = int('connections', values.connections, 1, 1000);
const capMb = int('cap-mb', values['cap-mb'], 1, 100_000);
const maxSeconds = int('max-seconds', values['max-seconds'], 10, 3600);
const oldSpace =
  values['max-old-space-mb'] === undefined
    ? undefined
    : int('max-old-space-mb', values['max-old-space-mb'], 32, 65_536);
stopOnSignals(2 * maxSeconds + 120);

const MB = 1024 * 1024;
const CLI = join(ROOT, 'dist/cli/main.js');
const PORTS = { api: 23100, fotospiel: 23101, booking: 23102, standalone: 23201 };
const tmp = mkdtempSync(join(tmpdir(), 'rampart-memory-'));

/** The seed playbooks with their upstreams on the trivial server and their gateways on this bench's ports. */
function workspace(upstreamPort: number): string {
  const cwd = join(tmp, 'cwd');
  cpSync(join(ROOT, 'playbooks'), join(cwd, 'playbooks'), { recursive: true });
  for (const [file, port] of [
    ['fotospiel-public-api.yaml', PORTS.fotospiel],
    ['6fb-booking.yaml', PORTS.booking],
  ] as const) {
    const path = join(cwd, 'playbooks', file);
    const text = readFileSync(path, 'utf8')
      .replace(
        /upstream: \{ url: http:\/\/127\.0\.0\.1:\d+/,
        `upstream: { url: http://127.0.0.1:${upstreamPort}`,
      )
      .replace(/listen: \{ host: 127\.0\.0\.1, port: \d+ \}/, `listen: { host: 127.0.0.1, port: ${port} }`);
    writeFileSync(path, text);
  }
  return cwd;
}

/** Starts the built CLI and waits (bounded) until it prints `ready` in its output. */
function startCli(name: string, args: string[], cwd: string, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: {
      ...process.env,
      ...(oldSpace === undefined ? {} : { NODE_OPTIONS: `--max-old-space-size=${oldSpace}` }),
      LOG_LEVEL: 'error',
      DATABASE_URL: '',
      REDIS_URL: '',
      RAMPART_TOKEN_KEY: 'bench-token-key-0123456789',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) track(child.pid, child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within 60 s:\n${output}`)),
      60_000,
    );
    const look = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}:\n${output}`)));
  });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  process: string;
  requests: number;
  seconds: number;
  beforeMb: number;
  afterMb: number;
  peakMb: number;
}

async function flood(name: string, child: ChildProcess, port: number): Promise<Row> {
  await settle(3000);
  const before = memory(child.pid!)?.rss ?? 0;
  const script = writeFloodScript(tmp, total);
  // wrk's threads stop after `total` requests, but wrk itself waits out -d: once the target has been idle for
  // three seconds, wrk is interrupted (SIGINT, so it still prints its summary).
  let wrk: ChildProcess | undefined;
  let lastCpu = cpuSeconds(child.pid!);
  let idle = 0;
  let ticks = 0;
  const watch = setInterval(() => {
    const cpu = cpuSeconds(child.pid!);
    idle = cpu - lastCpu < 0.05 ? idle + 1 : 0;
    lastCpu = cpu;
    if (++ticks > 5 && idle >= 3) wrk?.kill('SIGINT');
  }, 1000);
  const result = await runWrk({
    url: `http://127.0.0.1:${port}`,
    script,
    seconds: maxSeconds,
    connections,
    threads: 1,
    scriptArgs: ['1'],
    onStart: (w) => {
      wrk = w;
      if (w.pid !== undefined) track(w.pid, w);
    },
  }).finally(() => clearInterval(watch));
  // The detector and the aggregates work behind the gateway: give them a moment to drain before reading.
  await settle(5000);
  const m = memory(child.pid!);
  return {
    process: name,
    requests: result.requests,
    seconds: result.seconds,
    beforeMb: before / MB,
    afterMb: (m?.rss ?? 0) / MB,
    peakMb: (m?.peak ?? 0) / MB,
  };
}

let exitCode = 0;
try {
  const upstream = await startNode('upstream', join(ROOT, 'bench/gateway/children/upstream.ts'), []);
  const cwd = workspace(upstream.port);
  const up = await startCli('rampart up', ['up', '--port', String(PORTS.api)], cwd, /API\s+http/);
  const all = await flood('rampart up (all-in-one)', up, PORTS.fotospiel);
  up.kill('SIGINT');
  await settle(2000);
  const gw = await startCli(
    'rampart gateway',
    ['gateway', '--service', 'guest-api', '--port', String(PORTS.standalone)],
    cwd,
    /gateway for guest-api on/,
  );
  const alone = await flood('rampart gateway (standalone)', gw, PORTS.standalone);
  const rows = [all, alone];
  const pad = (s: string, n: number) => s.padEnd(n);
  process.stdout.write(
    `\n${total} requests, each with a new join token and client address, ${connections} connections` +
      `${oldSpace === undefined ? ", Node's default heap limit" : `, --max-old-space-size=${oldSpace}`}\n` +
      `${pad('process', 32)}${pad('requests', 10)}${pad('seconds', 9)}${pad('RSS before', 12)}${pad('RSS after', 12)}peak (VmHWM)\n` +
      rows
        .map(
          (r) =>
            `${pad(r.process, 32)}${pad(String(r.requests), 10)}${pad(r.seconds.toFixed(0), 9)}` +
            `${pad(`${r.beforeMb.toFixed(0)} MB`, 12)}${pad(`${r.afterMb.toFixed(0)} MB`, 12)}${r.peakMb.toFixed(0)} MB`,
        )
        .join('\n') +
      `\nall-in-one cap ${capMb} MB: ${all.peakMb <= capMb ? 'held' : 'EXCEEDED'}\n`,
  );
  if (all.peakMb > capMb) exitCode = 1;
} catch (error) {
  if (isInterrupted()) await settle(15_000);
  throw error;
} finally {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
