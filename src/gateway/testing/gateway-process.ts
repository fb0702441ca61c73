/**
 * One gateway process on Redis for the multi-node tests: `node --import tsx gateway-process.ts`.
 * Environment: REDIS_URL, PREFIX, UPSTREAM (http://127.0.0.1:port). Prints `{"port":N}` once listening, then
 * reads JSON commands on stdin, one a line — {"seq":1,"op":"apply","mitigation":{…}} or
 * {"seq":2,"op":"lift","id":"…"} or {"seq":3,"op":"status"} — and answers {"seq":…,"ok":true,…} on stdout.
 * It exits when stdin closes (its parent went away) and after LIFETIME_MS (default 120 s) in any case.
 */
import { createInterface } from 'node:readline';
import { compileGatewayConfig } from '../config.js';
import { createGateway } from '../proxy.js';
import { createRedisGatewayState } from '../state/redis-gateway-state.js';
import type { Mitigation } from '../../domain/mitigation.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

const lifetime = setTimeout(() => process.exit(3), Number(process.env.LIFETIME_MS ?? 120_000));
const statusLog: string[] = [];
const shared = await createRedisGatewayState({
  redisUrl: env('REDIS_URL'),
  prefix: env('PREFIX'),
  service: 'fotospiel',
  onStatus: (component, status) => statusLog.push(`${component}:${status}`),
  logger: {
    info: (o, msg) => process.stderr.write(`${JSON.stringify({ level: 'info', msg, ...o })}\n`),
    warn: (o, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...o })}\n`),
    error: (o, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...o })}\n`),
  },
});
const config = compileGatewayConfig({
  service: { name: 'fotospiel', upstream: { url: env('UPSTREAM') }, routes: [{ name: 'api', pattern: '/api/*' }] },
  gateway: {
    trusted_proxies: ['127.0.0.1'],
    rate_limits: [{ name: 'per-ip', key: 'ip', limit: 100_000, window: '60s' }],
  },
});
const gateway = createGateway(config, { tokenHashKey: 'multi-node-test', state: shared.state, limiter: shared.limiter });
const address = await gateway.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);

async function run(command: { seq?: number; op?: string; mitigation?: Mitigation; id?: string }): Promise<object> {
  switch (command.op) {
    case 'apply':
      await shared.state.apply(command.mitigation as Mitigation);
      return {};
    case 'lift':
      return { lifted: await shared.state.lift(String(command.id), 'test') };
    case 'status':
      return { state: shared.state.status, limiter: shared.limiter.status, pending: shared.state.pendingWrites, log: statusLog };
    default:
      throw new Error(`unknown op ${String(command.op)}`);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let command: { seq?: number };
  try {
    command = JSON.parse(line) as { seq?: number };
  } catch {
    return;
  }
  run(command).then(
    (result) => process.stdout.write(`${JSON.stringify({ seq: command.seq, ok: true, ...result })}\n`),
    (error: unknown) => process.stdout.write(`${JSON.stringify({ seq: command.seq, ok: false, error: String(error) })}\n`),
  );
});
lines.on('close', () => {
  clearTimeout(lifetime);
  void gateway.close().then(() => shared.close()).then(() => process.exit(0));
});
