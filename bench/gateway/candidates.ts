import { join } from 'node:path';
import { writeNginxConfig, NGINX } from './nginx.js';
import { freePort, ROOT, startCommand, startNode, type Started } from './processes.js';

export interface CandidateContext {
  upstream: Started;
  tmp: string;
  redisUrl: string;
  /** Key prefix for this run's Redis keys (deleted at the end). */
  redisPrefix: string;
  /** Extra node flags per candidate id, e.g. --cpu-prof for the profiled one. */
  nodeFlags: (id: string) => string[];
}

export interface Candidate {
  id: string;
  label: string;
  /** What it is, exactly, for the README and the JSON. */
  config: string;
  /** false for "direct": there is no proxy whose CPU we could count. */
  proxy: boolean;
  start(ctx: CandidateContext): Promise<Started>;
}

const child = (name: string): string => join(ROOT, 'bench/gateway/children', name);
const upstreamUrl = (ctx: CandidateContext): string => `http://127.0.0.1:${ctx.upstream.port}`;

export const CANDIDATES: Candidate[] = [
  {
    id: 'direct',
    label: 'direct to upstream',
    config: 'wrk straight to the upstream (node:http, 2-item JSON body)',
    proxy: false,
    start: (ctx) => Promise.resolve(ctx.upstream),
  },
  {
    id: 'nginx',
    label: 'nginx + limit_req',
    config: 'nginx 1 worker, proxy_pass with keepalive 128, limit_req per $binary_remote_addr and per join token '
      + '(map on $uri), rate 1e6 r/s burst 1e5 nodelay, access_log off',
    proxy: true,
    async start(ctx) {
      const port = await freePort();
      const dir = join(ctx.tmp, 'nginx');
      const conf = writeNginxConfig(dir, port, ctx.upstream.port);
      return startCommand('nginx', NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], port,
        'apt-get install nginx-light');
    },
  },
  {
    id: 'fastify',
    label: 'Fastify + http-proxy + rate-limit (memory)',
    config: 'fastify 5, @fastify/http-proxy 11 (undici), @fastify/rate-limit 11 global per req.ip, '
      + 'max 1e9 / 60 s, in-memory store',
    proxy: true,
    start: (ctx) => startNode('fastify', child('fastify-proxy.ts'), ['--upstream', upstreamUrl(ctx)],
      ctx.nodeFlags('fastify')),
  },
  {
    id: 'fastify-redis',
    label: 'Fastify + http-proxy + rate-limit (Redis)',
    config: 'as above with the Redis store (ioredis, auto-pipelining)',
    proxy: true,
    start: (ctx) => startNode('fastify-redis', child('fastify-proxy.ts'), ['--upstream', upstreamUrl(ctx),
      '--redis', ctx.redisUrl, '--prefix', `${ctx.redisPrefix}fastify:`], ctx.nodeFlags('fastify-redis')),
  },
  {
    id: 'undici',
    label: 'bare undici proxy',
    config: 'node:http server + undici Pool (128 connections) .stream(), hop-by-hop headers dropped, no guards',
    proxy: true,
    start: (ctx) => startNode('undici', child('undici-proxy.ts'), ['--upstream', upstreamUrl(ctx)],
      ctx.nodeFlags('undici')),
  },
  {
    id: 'rampart',
    label: 'Rampart (memory)',
    config: 'createGateway + compileGatewayConfig of playbooks/fotospiel-public-api.yaml (service+gateway), '
      + 'limits raised to 1e9/window, MemoryState + MemoryRateLimiter, onEvent counting events',
    proxy: true,
    start: (ctx) => startNode('rampart', child('rampart.ts'), ['--upstream', upstreamUrl(ctx)],
      ctx.nodeFlags('rampart')),
  },
  {
    id: 'rampart-redis',
    label: 'Rampart (Redis)',
    config: 'as above with createRedisGatewayState: RedisState (local mirror, pub/sub) + RedisRateLimiter (local GCRA, counts synced every 50 ms)',
    proxy: true,
    start: (ctx) => startNode('rampart-redis', child('rampart.ts'), ['--upstream', upstreamUrl(ctx),
      '--redis', ctx.redisUrl, '--prefix', `${ctx.redisPrefix}rampart`], ctx.nodeFlags('rampart-redis')),
  },
];
