import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrkResult {
  requests: number;
  seconds: number;
  /** Responses that were not 2xx or 3xx (a 429 would land here). */
  non2xx: number;
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
}

/** Prints the summary as one JSON line wrk's own text report cannot be confused with. */
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;

/**
 * Round-robin over the fotospiel guest API paths of a few join tokens; the requests are formatted once per
 * thread, so the Lua cost per request is one table lookup.
 */
export function writeTokenScript(dir: string, tokens: readonly string[]): string {
  const paths = tokens.map((t) => `"/api/v1/events/${t}/photos"`).join(', ');
  const file = join(dir, 'tokens.lua');
  writeFileSync(file, `
local paths = { ${paths} }
local reqs = {}
local n = 0
init = function(args)
  for i, p in ipairs(paths) do reqs[i] = wrk.format("GET", p, { ["Accept"] = "application/json" }) end
end
request = function()
  n = n + 1
  if n > #reqs then n = 1 end
  return reqs[n]
end
${DONE}`);
  return file;
}

/**
 * One client IP per request, 10.0.0.0 upwards, in X-Forwarded-For (trusted from loopback), and one join token
 * per request too, so both the per-IP and the per-token limiter see only new keys. Thread t of T (T passed as
 * the script's argument) sends the indexes t, t+T, t+2T, … and stops once past `total`.
 */
export function writeFloodScript(dir: string, total: number): string {
  const file = join(dir, 'flood.lua');
  writeFileSync(file, `
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  step = #args > 0 and tonumber(args[1]) or 1
  total = ${total}
  index = id
end
request = function()
  -- stop() ends the thread's loop after this turn: a few requests past the share may still go, with new keys.
  if index >= total then wrk.thread:stop() end
  local i = index
  index = index + step
  local ip = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  return wrk.format("GET", string.format("/api/v1/events/flood%08x/photos", i), { ["X-Forwarded-For"] = ip })
end
${DONE}`);
  return file;
}

export interface WrkOptions {
  url: string;
  script: string;
  seconds: number;
  connections: number;
  threads: number;
  scriptArgs?: string[];
  /** Called with wrk's process so the caller can kill it on Ctrl-C. */
  onStart?: (child: ChildProcess) => void;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', '5s',
    '-s', o.script, o.url, ...(o.scriptArgs === undefined ? [] : ['--', ...o.scriptArgs])];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    o.onStart?.(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 30) * 1000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error('wrk is not installed: apt-get install wrk') : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = /WRKJSON (.*)/.exec(out)?.[1];
      if (line === undefined) return reject(new Error(`wrk exited ${code}: ${out.trim().slice(-500)}`));
      const j = JSON.parse(line) as Record<string, number>;
      const n = (k: string): number => j[k] ?? 0;
      resolve({
        requests: n('requests'),
        seconds: n('duration_us') / 1e6,
        non2xx: n('non2xx'),
        socketErrors: n('socket'),
        p50Ms: n('p50_us') / 1000,
        p99Ms: n('p99_us') / 1000,
      });
    });
  });
}
