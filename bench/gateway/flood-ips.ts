/**
 * Memory-bound run: `--requests` (default 1,000,000) requests through Rampart's gateway, each from a distinct
 * client IP in X-Forwarded-For (trusted: the playbook trusts loopback) and with a distinct join token, so the
 * per-IP and per-token limiters both see only new keys. The gateway runs in its own process with the fotospiel
 * playbook's guards and limits as written, in memory; its RSS is read from /proc every second. Fails (exit 1)
 * if the peak passes --cap-mb.
 *
 *   node --import tsx bench/gateway/flood-ips.ts [--requests 1000000] [--connections 200] [--threads 1]
 *     [--cap-mb 400] [--max-seconds 900]
 *
 * Needs wrk: apt-get install wrk.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { memory } from './proc.js';
import { askStats, isInterrupted, ROOT, startNode, stopAll, stopOnSignals, track } from './processes.js';
import { runWrk, writeFloodScript } from './wrk.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '200' },
    threads: { type: 'string', default: '1' },
    'cap-mb': { type: 'string', default: '400' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const int = (name: string, raw: string, min: number, max: number): number => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};
const total = int('requests', values.requests, 1, 16_000_000);
const connections = int('connections', values.connections, 1, 4000);
const threads = int('threads', values.threads, 1, 16);
const capMb = int('cap-mb', values['cap-mb'], 1, 100_000);
const maxSeconds = int('max-seconds', values['max-seconds'], 10, 7200);
stopOnSignals(maxSeconds + 60);

const MB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'rampart-flood-'));
const samples: { t: number; rssMb: number; events: number }[] = [];

async function main(): Promise<Record<string, unknown>> {
  const upstream = await startNode('upstream', join(ROOT, 'bench/gateway/children/upstream.ts'), []);
  const gw = await startNode('rampart', join(ROOT, 'bench/gateway/children/rampart.ts'),
    ['--upstream', `http://127.0.0.1:${upstream.port}`, '--limits', 'playbook']);
  const startRss = memory(gw.pid)?.rss ?? 0;
  const started = Date.now();
  let wrkChild: ChildProcess | null = null;
  let served = 0;
  let peakRss = startRss;
  // Once a second: RSS from /proc, and the gateway's event count; wrk is stopped (SIGINT, so it still prints
  // its summary) once the gateway has answered `total` requests, because wrk otherwise runs its full -d.
  const sampler = setInterval(() => {
    void askStats(gw.child).then((s) => {
      const m = memory(gw.pid);
      if (m === null) return;
      served = typeof s?.events === 'number' ? s.events : served;
      peakRss = Math.max(peakRss, m.rss);
      samples.push({ t: Math.round((Date.now() - started) / 1000), rssMb: m.rss / MB, events: served });
      if (samples.length % 10 === 0) {
        process.stdout.write(`${samples.at(-1)?.t} s: ${served} requests, RSS ${(m.rss / MB).toFixed(1)} MB\n`);
      }
      if (served >= total && wrkChild?.pid !== undefined) wrkChild.kill('SIGINT');
    });
  }, 1000);
  const script = writeFloodScript(tmp, total);
  const result = await runWrk({
    url: `http://127.0.0.1:${gw.port}`, script, seconds: maxSeconds, connections, threads,
    scriptArgs: [String(threads)],
    onStart: (child) => {
      wrkChild = child;
      if (child.pid !== undefined) track(child.pid, child);
    },
  });
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const stats = await askStats(gw.child);
  const mem = memory(gw.pid);
  peakRss = Math.max(peakRss, mem?.rss ?? 0);
  return {
    requests: result.requests, seconds, rps: result.requests / result.seconds,
    non2xx: result.non2xx, socketErrors: result.socketErrors, p99Ms: result.p99Ms,
    // The trivial upstream runs on the same node + tsx loader: the floor the gateway's own RSS sits on.
    upstreamRssMb: (memory(upstream.pid)?.rss ?? 0) / MB,
    startRssMb: startRss / MB, endRssMb: (mem?.rss ?? 0) / MB,
    peakSampledRssMb: peakRss / MB,
    /** VmHWM: the kernel's own high-water mark, so a peak between two samples is not missed. */
    peakRssMb: (mem?.peak ?? 0) / MB,
    gatewayEvents: stats?.events, limiterKeys: stats?.keys, heap: stats?.memory,
  };
}

let exitCode = 0;
try {
  const r = await main();
  const peak = Math.max(Number(r.peakRssMb), Number(r.peakSampledRssMb));
  const lines = [
    '',
    `${r.requests as number} requests (distinct client IPs and join tokens) in ${(r.seconds as number).toFixed(0)} s, `
      + `${(r.rps as number).toFixed(0)} req/s, non-2xx ${r.non2xx as number}, socket errors ${r.socketErrors as number}`,
    `gateway RSS: ${(r.startRssMb as number).toFixed(1)} MB at start, peak ${peak.toFixed(1)} MB (VmHWM), `
      + `${(r.endRssMb as number).toFixed(1)} MB at the end; cap ${capMb} MB: ${peak <= capMb ? 'held' : 'EXCEEDED'}`,
    `(the upstream, a trivial node:http server on the same node + tsx loader, holds ${(r.upstreamRssMb as number).toFixed(1)} MB)`,
    `limiter keys held at the end: ${JSON.stringify(r.limiterKeys)}; events built: ${String(r.gatewayEvents)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (peak > capMb) exitCode = 1;
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `flood-ips-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({
    at: new Date().toISOString(), node: process.version, cpus: cpus().map((c) => c.model),
    options: { total, connections, threads, capMb }, result: r, samples,
  }, null, 2));
  process.stdout.write(`results: ${file}\n`);
} catch (error) {
  // A wrk or child killed by Ctrl-C fails the run; the signal handler is already cleaning up and exiting.
  if (isInterrupted()) await new Promise((r) => setTimeout(r, 15_000));
  throw error;
} finally {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
