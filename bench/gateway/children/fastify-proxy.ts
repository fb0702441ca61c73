/**
 * Candidates (c) and (d): Fastify 5 + @fastify/http-proxy (undici through @fastify/reply-from) +
 * @fastify/rate-limit keyed by client IP, its store in memory or, with --redis, on Redis.
 */
import proxy from '@fastify/http-proxy';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { announce, arg, exitWith, requiredArg } from './lifecycle.js';

const redisUrl = arg('redis');
const redis = redisUrl === undefined ? null : new Redis(redisUrl, { enableAutoPipelining: true });
const app = Fastify({ logger: false });
await app.register(rateLimit, {
  global: true,
  // Raised so nothing is refused during the bench; every request is still counted.
  max: 1_000_000_000,
  timeWindow: 60_000,
  ...(redis === null ? {} : { redis, nameSpace: requiredArg('prefix') }),
});
await app.register(proxy, { upstream: requiredArg('upstream'), prefix: '/' });
await app.listen({ port: 0, host: '127.0.0.1' });
announce((app.server.address() as AddressInfo).port);
exitWith(async () => {
  await app.close();
  redis?.disconnect();
});
