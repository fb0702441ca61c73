import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AttackPlan, AttackReport } from './slow-attack-process.js';

/**
 * Attackers and normal clients for the slow-client tests, on raw sockets so each can have its own loopback
 * source address (127.x.y.z via localAddress; undici ignores localAddress). Every one of them stops by itself.
 */

export interface SlowOutcome {
  /** The status line the gateway answered with, or null if it answered nothing. */
  status: number | null;
  /** The connection was closed by the gateway (with or without an answer) before maxMs. */
  closedByServer: boolean;
  afterMs: number;
  bytesSent: number;
}

export interface SlowClient {
  done: Promise<SlowOutcome>;
  stop(): void;
}

interface SlowSocketOptions {
  port: number;
  host?: string;
  localAddress: string;
  /** Bytes written right after connecting. */
  opening: string;
  /** Called every `everyMs` for the next bytes to write (null: write nothing more, keep waiting). */
  next: (i: number) => string | null;
  everyMs: number;
  /** The client gives up (and closes) after this long: every client stops by itself. */
  maxMs: number;
}

function slowSocket(o: SlowSocketOptions): SlowClient {
  const started = performance.now();
  let socket: Socket | null = null;
  let stop = (): void => undefined;
  const done = new Promise<SlowOutcome>((resolve) => {
    let text = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | null = null;
    let finished = false;
    const finish = (closedByServer: boolean): void => {
      if (finished) return;
      finished = true;
      if (timer !== null) clearInterval(timer);
      clearTimeout(limit);
      socket?.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, closedByServer, afterMs: performance.now() - started, bytesSent });
    };
    const limit = setTimeout(() => finish(false), o.maxMs);
    stop = () => finish(false);
    const s = connect({ host: o.host ?? '127.0.0.1', port: o.port, localAddress: o.localAddress });
    socket = s;
    s.setEncoding('latin1');
    s.on('data', (d: string) => (text += d));
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => {
      s.write(o.opening);
      bytesSent += Buffer.byteLength(o.opening);
      let i = 0;
      timer = setInterval(() => {
        const more = o.next(i++);
        if (more !== null && s.writable) {
          s.write(more);
          bytesSent += Buffer.byteLength(more);
        }
      }, o.everyMs);
    });
  });
  return { done, stop: () => stop() };
}

export interface DripOptions {
  port: number;
  localAddress: string;
  path?: string;
  /** What Content-Length promises; the client never gets there. */
  contentLength?: number;
  /** Bytes sent at once, right after the head (a fast start before the drip). */
  burst?: number;
  /** Bytes per drip. */
  drip?: number;
  everyMs?: number;
  maxMs: number;
  headers?: Record<string, string>;
}

/** An upload that sends its head, then `drip` bytes every `everyMs` (the report: 10 bytes every 2 s). */
export function dripUpload(o: DripOptions): SlowClient {
  const extra = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const head = `POST ${o.path ?? '/api/v1/events/tok/photos'} HTTP/1.1\r\nHost: api.example\r\n`
    + `Content-Type: image/jpeg\r\nContent-Length: ${o.contentLength ?? 5_000_000}\r\n${extra}\r\n`;
  const drip = 'x'.repeat(o.drip ?? 10);
  return slowSocket({
    port: o.port,
    localAddress: o.localAddress,
    opening: head + 'x'.repeat(o.burst ?? 0),
    next: () => drip,
    everyMs: o.everyMs ?? 2000,
    maxMs: o.maxMs,
  });
}

/** Slowloris: a request head that never ends, one header line every `everyMs`. */
export function slowHead(o: { port: number; localAddress: string; everyMs?: number; maxMs: number }): SlowClient {
  return slowSocket({
    port: o.port,
    localAddress: o.localAddress,
    opening: 'GET /api/v1/events/tok/photos HTTP/1.1\r\nHost: api.example\r\n',
    next: (i) => `X-Slow-${i}: ${i}\r\n`,
    everyMs: o.everyMs ?? 2000,
    maxMs: o.maxMs,
  });
}

export interface Timed {
  status: number;
  ms: number;
}

/**
 * One request on a fresh connection from `localAddress`, timed from before connecting to the end of the body.
 * Never throws: an error or the time bound gives status 0 with the time it took.
 */
export function timedRequest(o: {
  port: number;
  path: string;
  localAddress: string;
  method?: string;
  body?: Buffer | string;
  timeoutMs?: number;
}): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const body = o.body === undefined ? null : Buffer.from(o.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: o.port,
        path: o.path,
        method: o.method ?? 'GET',
        localAddress: o.localAddress,
        agent: false,
        headers: body === null ? {} : { 'content-length': String(body.length), 'content-type': 'image/jpeg' },
        timeout: o.timeoutMs ?? 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body ?? undefined);
  });
}

/** The loopback address number i of a spread: 127.<a>.<b>.<c>, distinct /24s for distinct `net`. */
export function loopback(net: number, host: number): string {
  return `127.${(net >> 8) & 255}.${net & 255}.${(host % 250) + 2}`;
}

/** Samples judged by their median, 95th percentile and maximum; the distinct statuses seen. */
export function summarise(samples: readonly Timed[]): { median: number; p95: number; max: number; statuses: number[] } {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(ms.length * q) - 1))] ?? 0;
  return {
    median: at(0.5),
    p95: at(0.95),
    max: ms[ms.length - 1] ?? 0,
    statuses: [...new Set(samples.map((s) => s.status))].sort(),
  };
}

/** Runs slow-attack-process.ts in a child process and resolves with its report (its pid is ours to end). */
export function runSlowAttack(plan: AttackPlan): { report: Promise<AttackReport>; stop: () => void } {
  const script = fileURLToPath(new URL('./slow-attack-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const report = new Promise<AttackReport>((resolve, reject) => {
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as AttackReport);
      } catch {
        reject(new Error(`the attack process exited ${String(code)}: ${err || out}`));
      }
    });
  });
  return { report, stop: () => void (child.exitCode === null && child.kill('SIGKILL')) };
}
