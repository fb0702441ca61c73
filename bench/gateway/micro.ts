/**
 * Micro-benchmarks of the gateway's per-request pieces, in-process (no network):
 *   node --import tsx bench/gateway/micro.ts [--only limiter,hash,headers,caps,path,redis-limiter]
 * Each figure is the median of 5 runs, µs per call, after a warm-up run.
 */
import { performance } from 'node:perf_hooks';
import { hashToken } from '../../src/shared/secrets.js';
import { ConcurrencyCaps } from '../../src/gateway/admission/concurrency-caps.js';
import { MemoryRateLimiter } from '../../src/gateway/state/memory-rate-limiter.js';
import { TokenHasher } from '../../src/gateway/token-hasher.js';

const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',') : null;
const want = (name: string): boolean => only === null || only.includes(name);

function measure(label: string, calls: number, run: (n: number) => void): void {
  run(calls);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    run(calls);
    times.push(((performance.now() - t0) * 1000) / calls);
  }
  times.sort((a, b) => a - b);
  console.info(`${label.padEnd(60)} ${(times[2] ?? 0).toFixed(3)} µs/call`);
}

const ipKey = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** The replaced implementation (a Map as LRU by delete + re-insert, evicting its first key), for comparison. */
class MapLruLimiter {
  private readonly table = new Map<string, number>();
  constructor(private readonly maxKeys: number) {}
  consume(key: string, now: number): void {
    const stored = this.table.get(key);
    if (stored !== undefined) this.table.delete(key);
    else if (this.table.size >= this.maxKeys) {
      for (const oldest of this.table.keys()) {
        this.table.delete(oldest);
        break;
      }
    }
    this.table.set(key, (stored ?? now) + 1);
  }
}

if (want('limiter')) {
  const policy = { limit: 1e9, windowMs: 60_000, burst: 0 };
  let seq = 0;
  const old = new MapLruLimiter(100_000);
  const lim = new MemoryRateLimiter({ maxKeysPerLimit: 100_000 });
  for (let i = 0; i < 100_000; i++) {
    old.consume(ipKey(seq), 0);
    lim.consume('x', ipKey(seq++), policy, 0);
  }
  let oldSeq = seq;
  measure('Map-as-LRU limiter (before), new key at a 100,000 bound', 20_000, (n) => {
    for (let i = 0; i < n; i++) old.consume(ipKey(oldSeq++ & 0xffffff), 0);
  });
  measure('MemoryRateLimiter, new key at a 100,000 bound', 200_000, (n) => {
    for (let i = 0; i < n; i++) lim.consume('x', ipKey(seq++ & 0xffffff), policy, 0);
  });
  measure('MemoryRateLimiter, 8 repeated keys', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) lim.consume('x', ipKey(i & 7), policy, 0);
  });
  // The key strings cost the same in both; this shows the limiter's own part.
  measure('(key string building alone)', 1_000_000, (n) => {
    let x = 0;
    for (let i = 0; i < n; i++) x += ipKey(seq + i).length;
    if (x === 0) console.info(x);
  });
}

if (want('hash')) {
  const tokens = Array.from({ length: 8 }, (_, i) => `join-token-${i}-abcdefghijklmnopqrst`.slice(0, 32));
  measure('hashToken (createHmac with a string key per call)', 300_000, (n) => {
    for (let i = 0; i < n; i++) hashToken(tokens[i & 7] as string, 'bench-key');
  });
  const hasher = new TokenHasher('bench-key');
  measure('TokenHasher.hash, 8 repeated tokens (cache hits)', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) hasher.hash(tokens[i & 7] as string);
  });
  let seq = 0;
  measure('TokenHasher.hash, a new token each call (miss + evict)', 300_000, (n) => {
    for (let i = 0; i < n; i++) hasher.hash(`t${seq++}-abcdefghijklmnopqrstuvwxyz012345`);
  });
}

if (want('headers')) {
  const { IncomingMessage, ServerResponse } = await import('node:http');
  const { Socket } = await import('node:net');
  const { addRateLimitHeaders } = await import('../../src/gateway/headers.js');
  const { fotospielConfig } = await import('./fotospiel-config.js');
  const { RequestContext } = await import('../../src/gateway/request-context.js');
  const config = await fotospielConfig('http://127.0.0.1:9', true);
  const match = config.matcher.match('/api/v1/events/0123456789abcdef0123456789abcdef/photos');
  const route = match === null ? null : (config.routes[match.index] ?? null);
  if (route === null) throw new Error('no fotospiel route for the bench path');
  const req = new IncomingMessage(new Socket());
  const ctx = new RequestContext(req, new ServerResponse(req), 0, 0);
  ctx.route = route;
  ctx.rate = route.limits.map((limit) => ({ limit, quota: limit.limit, windowMs: limit.windowMs, policy: limit.policy,
    decision: { allowed: true, remaining: 999_999_990, resetMs: 40, retryAfterMs: 0 } }));
  const upstream = (): Record<string, string> => ({ 'content-type': 'application/json', 'content-length': '97',
    date: 'Sun, 22 Nov 2026 18:00:00 GMT', 'keep-alive': 'timeout=5' });
  const socket = new Socket();
  const response = (): InstanceType<typeof ServerResponse> => new ServerResponse(new IncomingMessage(socket));
  measure('rate-limit headers: 5 × setHeader + writeHead (before)', 200_000, (n) => {
    for (let i = 0; i < n; i++) {
      const res = response();
      const outcomes = ctx.rate ?? [];
      res.setHeader('ratelimit-policy', outcomes.map((o) => o.policy).join(', '));
      res.setHeader('ratelimit', outcomes.map((o) => `"${o.limit.name}";r=${o.decision.remaining};t=60`).join(', '));
      res.setHeader('x-ratelimit-limit', String(outcomes[0]?.quota));
      res.setHeader('x-ratelimit-remaining', String(outcomes[0]?.decision.remaining));
      res.setHeader('x-ratelimit-reset', '60');
      res.writeHead(200, upstream());
    }
  });
  measure('rate-limit headers: addRateLimitHeaders into the writeHead object', 200_000, (n) => {
    for (let i = 0; i < n; i++) {
      const res = response();
      const headers = upstream();
      addRateLimitHeaders(ctx, headers);
      res.writeHead(200, headers);
    }
  });
  measure('(ServerResponse + writeHead of the upstream headers alone)', 200_000, (n) => {
    for (let i = 0; i < n; i++) response().writeHead(200, upstream());
  });
  const { upstreamHeaders, stripResponseHeaders } = await import('../../src/gateway/headers.js');
  // What wrk sends (host, a keep-alive connection header) plus three ordinary client headers.
  Object.assign(req.headers, { host: '127.0.0.1:8080', connection: 'keep-alive', 'user-agent': 'bench/1.0',
    accept: 'application/json', 'accept-encoding': 'gzip' });
  measure('upstreamHeaders (5 client headers)', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) upstreamHeaders(ctx);
  });
  measure('stripResponseHeaders (4 upstream headers)', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) stripResponseHeaders(upstream());
  });
}

if (want('caps')) {
  // The per-client concurrency caps as a request sees them: acquire on arrival, release when its response closes.
  const keys = Array.from({ length: 8 }, (_, i) => ipKey(i));
  const prefixes = keys.map((k) => `${k.slice(0, k.lastIndexOf('.'))}.0/24`);
  const caps = new ConcurrencyCaps(512, 2048);
  measure('ConcurrencyCaps acquire + release, 8 repeated clients', 2_000_000, (n) => {
    for (let i = 0; i < n; i++) {
      const ip = keys[i & 7] as string;
      const prefix = prefixes[i & 7] as string;
      caps.acquire(ip, prefix);
      caps.release(ip, prefix);
    }
  });
  let seq = 0;
  measure('ConcurrencyCaps acquire + release, new client (sweeps incl.)', 200_000, (n) => {
    for (let i = 0; i < n; i++) {
      const ip = ipKey(seq++ & 0xffffff);
      caps.acquire(ip, ip);
      caps.release(ip, ip);
    }
  });
}

if (want('path')) {
  // The canonical path (issue 9): every request pays the plain scan; escapes, dot segments, "//" pay the rewrite.
  const { canonicalPath } = await import('../../src/shared/http/canonical-path.js');
  const { compileRouteMatcher } = await import('../../src/gateway/route-matcher.js');
  const plain = Array.from({ length: 8 }, (_, i) => `/api/v1/events/tok${i}${'x'.repeat(27)}/photos`);
  const written = plain.map((p, i) => (i % 2 === 0 ? p.replace('/events/', '/%65vents/') : `/${p.replace('/photos', '/./photos/')}`));
  let sink = 0;
  measure('canonicalPath, plain path (the common request)', 2_000_000, (n) => {
    for (let i = 0; i < n; i++) sink += (canonicalPath(plain[i & 7] as string) as { ok: true; path: string }).path.length;
  });
  measure('canonicalPath, escaped / dot-segment / "//" path', 500_000, (n) => {
    for (let i = 0; i < n; i++) sink += (canonicalPath(written[i & 7] as string) as { ok: true; path: string }).path.length;
  });
  const matcher = compileRouteMatcher([{ name: 'event-api', pattern: '/api/v1/events/{token}/*' },
    { name: 'gallery', pattern: '/api/v1/gallery/{token}/*' }, { name: 'downloads', pattern: '/api/v1/downloads/*' },
    { name: 'health', pattern: '/health' }]);
  measure('(route match of the plain path alone, for scale)', 2_000_000, (n) => {
    for (let i = 0; i < n; i++) sink += matcher.match(plain[i & 7] as string)?.index ?? 0;
  });
  const { resolveClientIp } = await import('../../src/gateway/client-ip.js');
  const { CidrMap, parseCidr } = await import('../../src/shared/net/index.js');
  const trusted = new CidrMap<'x-forwarded-for'>();
  trusted.set(parseCidr('127.0.0.1/32')!, 'x-forwarded-for');
  measure('resolveClientIp, trusted proxy + X-Forwarded-For (the common proxied request)', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) sink += resolveClientIp('127.0.0.1', { 'x-forwarded-for': ipKey(i & 7) }, trusted).prefix.length;
  });
  measure('resolveClientIp, trusted proxy + X-Forwarded-For + a client Forwarded', 1_000_000, (n) => {
    for (let i = 0; i < n; i++) {
      sink += resolveClientIp('127.0.0.1', { 'x-forwarded-for': ipKey(i & 7), forwarded: 'for=198.18.0.1' }, trusted)
        .prefix.length;
    }
  });
  if (sink === 0) console.info(sink);
}

if (want('redis-limiter')) {
  // The per-request (synchronous) path of the shared limiter: keys already loaded, the 50 ms sync running.
  const { Redis } = await import('ioredis');
  const { RedisRateLimiter } = await import('../../src/gateway/state/redis-rate-limiter.js');
  const { systemClock } = await import('../../src/shared/clock.js');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  const prefix = `micro-${process.pid}`;
  const lim = new RedisRateLimiter({ redis, prefix, service: 'bench', clock: systemClock });
  lim.start();
  const policy = { limit: 1e9, windowMs: 60_000, burst: 0 };
  for (let i = 0; i < 8; i++) await lim.consume('x', ipKey(i), policy, Date.now());
  measure('RedisRateLimiter, 8 repeated keys (sync path)', 1_000_000, (n) => {
    const now = Date.now();
    for (let i = 0; i < n; i++) void lim.consume('x', ipKey(i & 7), policy, now);
  });
  await lim.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
