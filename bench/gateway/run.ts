/**
 * Gateway benchmark: one small upstream, then each candidate proxy in its own process, loaded by wrk over
 * keep-alive on loopback with the fotospiel guest API paths of 8 join tokens. Rounds are interleaved (round 1:
 * every candidate, round 2: every candidate, …) so the machine's drift hits all alike; each candidate gets a
 * warm-up before its first measured round. The stable figure is the proxy's own CPU per request: utime + stime
 * of its process (and workers) from /proc over the requests wrk counted.
 *
 *   node --import tsx bench/gateway/run.ts [--duration 10] [--rounds 3] [--warmup 10] [--connections 50]
 *     [--threads 1] [--only a,b] [--cpu-prof rampart] [--redis redis://127.0.0.1:6379] [--base-ref main]
 *
 * --base-ref REF checks REF out in a temporary git worktree (sharing this tree's node_modules) and adds its
 * gateway as candidate "rampart-base", measured in the same interleaved rounds as this tree's "rampart": the
 * before/after cost of a change in one run, on one machine state. The worktree is removed at the end.
 *
 * Needs wrk and nginx: apt-get install nginx-light wrk. Candidates: direct, nginx, fastify, fastify-redis,
 * undici, rampart, rampart-redis.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { CANDIDATES, type Candidate } from './candidates.js';
import { cpuSeconds } from './proc.js';
import { isInterrupted, ROOT, startNode, stopAll, stopOnSignals, track, type Started } from './processes.js';
import { goals, ratios, summarise, table, type RoundRow, type Summary } from './report.js';
import { runWrk, writeTokenScript } from './wrk.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'base-ref': { type: 'string' },
  },
});

function int(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

const duration = int('duration', values.duration, 1, 300);
const rounds = int('rounds', values.rounds, 1, 20);
const warmup = int('warmup', values.warmup, 0, 120);
const connections = int('connections', values.connections, 1, 1000);
const threads = int('threads', values.threads, 1, 16);
const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
const unknown = only?.filter((id) => !CANDIDATES.some((c) => c.id === id)) ?? [];
if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')}; known: ${CANDIDATES.map((c) => c.id).join(', ')}`);
const baseRef = values['base-ref'];
const chosen = only === undefined ? [...CANDIDATES] : CANDIDATES.filter((c) => only.includes(c.id));
const profileDir = join(ROOT, 'bench/results/profiles');
const profiled = new Set(values['cpu-prof']?.split(',') ?? []);

// Every candidate: warm-up + rounds × duration, plus start-up and slack; then everything is stopped.
const tmp = mkdtempSync(join(tmpdir(), 'rampart-bench-gw-'));
const baseDir = join(tmp, 'base');
let baseCommit: string | null = null;
if (baseRef !== undefined) {
  baseCommit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${baseRef}^{commit}`], { encoding: 'utf8' }).trim();
  execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', baseDir, baseCommit], { stdio: 'ignore' });
  symlinkSync(join(ROOT, 'node_modules'), join(baseDir, 'node_modules'));
  const rampart = CANDIDATES.find((c) => c.id === 'rampart');
  if (rampart !== undefined && !chosen.includes(rampart)) chosen.push(rampart);
  chosen.push({
    id: 'rampart-base',
    label: `Rampart at ${baseRef} (memory)`,
    config: `as "rampart", built from ${baseRef} (${baseCommit.slice(0, 12)}) in a temporary worktree`,
    proxy: true,
    start: (ctx) => startNode('rampart-base', join(baseDir, 'bench/gateway/children/rampart.ts'),
      ['--upstream', `http://127.0.0.1:${ctx.upstream.port}`], ctx.nodeFlags('rampart-base')),
  });
}

function removeBase(): void {
  if (baseCommit === null) return;
  try {
    execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', baseDir], { stdio: 'ignore' });
  } catch {
    // Already gone; rmSync of tmp below takes the rest.
  }
  baseCommit = null;
}
const redisPrefix = `rampart-bench-gw:${process.pid}:`;
stopOnSignals(chosen.length * (warmup + rounds * (duration + 3) + 40) + 60, async () => {
  await cleanRedis();
  removeBase();
  rmSync(tmp, { recursive: true, force: true });
});
const tokens = Array.from({ length: 8 }, (_, i) => `tok${i}${'x'.repeat(29)}`.slice(0, 32));
const script = writeTokenScript(tmp, tokens);
const rows: RoundRow[] = [];
const failed = new Map<string, string>();

async function main(): Promise<void> {
  const upstream = await startNode('upstream', join(ROOT, 'bench/gateway/children/upstream.ts'), []);
  const ctx = {
    upstream, tmp, redisUrl: values.redis, redisPrefix,
    nodeFlags: (id: string) => (profiled.has(id) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  };
  if (profiled.size > 0) mkdirSync(profileDir, { recursive: true });
  const live: { c: Candidate; s: Started; warm: boolean }[] = [];
  for (const c of chosen) {
    try {
      live.push({ c, s: await c.start(ctx), warm: false });
    } catch (error) {
      failed.set(c.id, (error as Error).message);
      process.stderr.write(`${c.id}: n/a — ${(error as Error).message}\n`);
    }
  }
  const wrk = (port: number, seconds: number) => runWrk({
    url: `http://127.0.0.1:${port}`, script, seconds, connections, threads,
    onStart: (child) => child.pid !== undefined && track(child.pid, child),
  });
  for (let round = 1; round <= rounds; round++) {
    for (const entry of live) {
      const { c, s } = entry;
      if (!entry.warm && warmup > 0) await wrk(s.port, warmup);
      entry.warm = true;
      const cpu0 = c.proxy ? cpuSeconds(s.pid) : 0;
      const up0 = cpuSeconds(upstream.pid);
      const r = await wrk(s.port, duration);
      const cpu = c.proxy ? cpuSeconds(s.pid) - cpu0 : null;
      const up = cpuSeconds(upstream.pid) - up0;
      const row: RoundRow = {
        round, id: c.id, requests: r.requests, rps: r.requests / r.seconds, p50Ms: r.p50Ms, p99Ms: r.p99Ms,
        non2xx: r.non2xx, socketErrors: r.socketErrors,
        cpuUs: cpu === null ? null : (cpu * 1e6) / r.requests, upstreamCpuUs: (up * 1e6) / r.requests,
      };
      rows.push(row);
      process.stdout.write(`round ${round} ${c.id.padEnd(14)} ${row.rps.toFixed(0).padStart(6)} req/s  p99 ${row.p99Ms.toFixed(2)} ms  `
        + `proxy ${row.cpuUs === null ? '—' : row.cpuUs.toFixed(1)} µs/req  upstream ${row.upstreamCpuUs.toFixed(1)} µs/req`
        + `${row.non2xx > 0 ? `  NON-2XX ${row.non2xx}` : ''}${row.socketErrors > 0 ? `  socket errors ${row.socketErrors}` : ''}\n`);
    }
  }
}

async function cleanRedis(): Promise<void> {
  if (!chosen.some((c) => c.id.endsWith('-redis'))) return;
  const redis = new Redis(values.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    process.stderr.write(`could not delete ${redisPrefix}* from Redis: ${(error as Error).message}\n`);
  } finally {
    redis.disconnect();
  }
}

/** This tree's Rampart against the --base-ref one: the CPU a change costs per request. */
function beforeAfter(byId: Map<string, Summary>): string[] {
  const after = byId.get('rampart');
  const before = byId.get('rampart-base');
  if (after?.cpuUs == null || before?.cpuUs == null) return [];
  const change = (after.cpuUs / before.cpuUs - 1) * 100;
  return [`before/after: ${before.label} ${before.cpuUs.toFixed(1)} µs/req → this tree ${after.cpuUs.toFixed(1)} µs/req`
    + ` (${change >= 0 ? '+' : ''}${change.toFixed(1)} % CPU per request), req/s ×${(after.rps / before.rps).toFixed(2)}`, ''];
}

function report(): void {
  const summaries: Summary[] = chosen.map((c) => summarise(c.id, c.label, rows, failed.get(c.id)));
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const lines = [
    '',
    `wrk -t${threads} -c${connections}, ${rounds} round(s) × ${duration} s after ${warmup} s warm-up, medians over rounds;`
      + ` ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    '',
    table(summaries),
    '',
    ...['rampart', 'rampart-redis'].flatMap((id) => (byId.has(id) ? ratios(byId.get(id)!, summaries) : [])),
    '',
    ...beforeAfter(byId),
    ...goals(byId),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({
    at: new Date().toISOString(), node: process.version, cpus: cpus().map((c) => c.model),
    options: { duration, rounds, warmup, connections, threads, tokens: tokens.length, baseRef: baseRef ?? null },
    candidates: chosen.map((c) => ({ id: c.id, label: c.label, config: c.config })),
    summaries, rows,
  }, null, 2));
  process.stdout.write(`\nresults: ${file}\n`);
}

try {
  await main();
  report();
} catch (error) {
  // A wrk or child killed by Ctrl-C fails its round; the signal handler is already cleaning up and exiting.
  if (isInterrupted()) await new Promise((r) => setTimeout(r, 15_000));
  throw error;
} finally {
  await stopAll();
  await cleanRedis();
  removeBase();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
