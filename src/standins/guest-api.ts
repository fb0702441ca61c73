import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { previewToken, safeEqual } from '../shared/secrets.js';
import { clientIp } from './client-ip.js';
import { handleControl } from './control.js';
import { DEMO_GUEST_SEED, newJoinToken, type GuestEvent, type GuestSeed } from './guest-seed.js';
import { drain, readJson, sendJson } from './http-helpers.js';
import { laravelStamp, openLog } from './log-writer.js';
import {
  DEFAULT_SLOW_MS,
  MAX_SLOW_MS,
  pause,
  type Misbehaviour,
  type MisbehaviourState,
} from './misbehaviour.js';
import { listenOn, type Standin } from './standin.js';
import { TokenFailureLimiter } from './token-failure-limiter.js';

export interface GuestApiOptions {
  /** Where the Laravel log goes: <cwd>/storage/logs/laravel.log for the playbook's detection source. */
  logFile: string;
  controlKey: string;
  clock?: Clock;
  seed?: GuestSeed;
  /** Upload size cap in bytes (default 10 MiB). */
  maxUploadBytes?: number;
  /** Lifetime of a signed download URL (default 5 minutes). */
  downloadTtlMs?: number;
}

const MAX_EVENTS = 1000;
const MAX_KEPT_UPLOADS = 50;

/** The fotospiel guest API (SEC-API-02's scope), small and honest, writing the seed's Laravel log lines. */
export function createGuestApi(options: GuestApiOptions): Standin {
  const clock = options.clock ?? systemClock;
  const log = openLog(options.logFile);
  const seed = structuredClone(options.seed ?? DEMO_GUEST_SEED);
  const byToken = new Map<string, GuestEvent>(seed.events.map((e) => [e.joinToken, e]));
  const state: MisbehaviourState = { mode: 'none', delayMs: 0 };
  const limiter = new TokenFailureLimiter(clock);
  const signingKey = randomBytes(32);
  const uploadDir = mkdtempSync(join(tmpdir(), 'rampart-standin-uploads-'));
  const uploads: string[] = [];
  const maxUpload = options.maxUploadBytes ?? 10 * 1024 * 1024;
  const ttlMs = options.downloadTtlMs ?? 5 * 60_000;
  let nextEventId = Math.max(100, ...seed.events.map((e) => e.id + 1));

  const line = (level: 'WARNING' | 'ERROR' | 'INFO', message: string, context: Record<string, unknown>) =>
    log.write(`[${laravelStamp(clock.now())}] production.${level}: ${message} ${JSON.stringify(context)} []`);

  const sign = (photo: string, token: string, expires: number) =>
    createHmac('sha256', signingKey).update(`${photo}:${token}:${expires}`).digest('hex');
  const signedUrl = (event: GuestEvent, photo: number) => {
    const expires = Math.floor(clock.now().getTime() / 1000 + ttlMs / 1000);
    const id = `${event.id}-${photo}`;
    return `/api/v1/downloads/photos/${id}?token=${encodeURIComponent(event.joinToken)}&expires=${expires}&signature=${sign(id, event.joinToken, expires)}`;
  };
  const photos = (event: GuestEvent) =>
    Array.from({ length: event.photos }, (_, i) => ({
      id: `${event.id}-${i + 1}`,
      download_url: signedUrl(event, i + 1),
    }));

  /**
   * Names the request's tenant and event in response headers, as the app behind Rampart is asked to (the
   * playbook's gateway.scope_headers); the gateway records and strips them, so guests never see them.
   */
  const owner = (res: ServerResponse, event: GuestEvent) => {
    res.setHeader('x-tenant-id', String(event.tenantId));
    res.setHeader('x-event-id', String(event.id));
  };

  /** EventPublicController::handleTokenFailure: 404 for a wrong token, 429 once an address keeps guessing. */
  function tokenFailure(req: IncomingMessage, res: ServerResponse, token: string): void {
    const ip = clientIp(req);
    const limited = limiter.fail(ip);
    const reason = limited ? 'token_rate_limited' : 'invalid_token';
    line('WARNING', 'Join token access denied', {
      ip,
      token: previewToken(token),
      event_id: null,
      tenant_id: null,
      reason,
    });
    drain(req);
    if (limited)
      sendJson(res, 429, { error: { code: reason, message: 'Too many attempts.' } }, { 'retry-after': '60' });
    else sendJson(res, 404, { error: { code: reason, message: 'Join token access denied' } });
  }

  function fail(
    req: IncomingMessage,
    res: ServerResponse,
    event: GuestEvent | null,
    mode: Misbehaviour,
  ): void {
    const storage = mode === 'storage-lost';
    line('ERROR', storage ? 'Unable to read from storage disk "public"' : 'Server Error', {
      ip: clientIp(req),
      path: (req.url ?? '').split('?')[0],
      event_id: event?.id ?? null,
      tenant_id: event?.tenantId ?? null,
      exception: storage ? 'League\\Flysystem\\UnableToReadFile' : 'RuntimeException',
    });
    drain(req);
    sendJson(res, 500, { message: 'Server Error' });
  }

  function upload(req: IncomingMessage, res: ServerResponse, event: GuestEvent): void {
    const file = join(uploadDir, `${event.id}-${Date.now()}-${randomBytes(4).toString('hex')}.bin`);
    const out = createWriteStream(file);
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxUpload && !refused) {
        refused = true;
        req.unpipe(out);
        out.destroy();
        rmSync(file, { force: true });
        sendJson(res, 413, { message: `Upload larger than ${maxUpload} bytes` }, { connection: 'close' });
        req.resume();
      }
    });
    req.pipe(out);
    out.on('finish', () => {
      if (refused) return;
      uploads.push(file);
      while (uploads.length > MAX_KEPT_UPLOADS) rmSync(uploads.shift() ?? '', { force: true });
      line('INFO', 'Photo uploaded', {
        ip: clientIp(req),
        token: previewToken(event.joinToken),
        event_id: event.id,
        tenant_id: event.tenantId,
        bytes: size,
      });
      sendJson(res, 201, { id: `${event.id}-upload-${uploads.length}`, bytes: size });
    });
    out.on('error', () => {
      if (!res.headersSent) sendJson(res, 500, { message: 'Server Error' });
    });
  }

  function download(req: IncomingMessage, res: ServerResponse, photo: string, query: URLSearchParams): void {
    drain(req);
    const token = query.get('token') ?? '';
    const event = byToken.get(token);
    if (event) owner(res, event);
    const expires = Number(query.get('expires'));
    const signature = query.get('signature') ?? '';
    if (!Number.isInteger(expires) || !safeEqual(signature, sign(photo, token, expires)))
      return sendJson(res, 403, { message: 'Invalid signature.' });
    if (expires * 1000 < clock.now().getTime()) return sendJson(res, 403, { message: 'Link expired.' });
    const body = Buffer.alloc(2048, photo);
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const extra = async (action: string, r: IncomingMessage, s: ServerResponse) => {
      if (action !== 'events' || r.method !== 'POST') return false;
      const body = await readJson(r);
      const tenantId = typeof body?.tenantId === 'number' ? body.tenantId : (seed.tenants[0]?.id ?? 1);
      if (!seed.tenants.some((t) => t.id === tenantId) || byToken.size >= MAX_EVENTS) {
        sendJson(s, 422, { message: 'unknown tenant, or too many events' });
        return true;
      }
      const event: GuestEvent = {
        id: nextEventId++,
        tenantId,
        name: `Drill event`,
        joinToken: newJoinToken(),
        photos: 30,
      };
      byToken.set(event.joinToken, event);
      sendJson(s, 201, event);
      return true;
    };
    const describe = () => ({ service: 'guest-api', tenants: seed.tenants, events: [...byToken.values()] });
    if (await handleControl(req, res, options.controlKey, state, describe, extra)) return;

    const url = new URL(req.url ?? '/', 'http://standin');
    const mode = state.mode;
    if (mode === 'slow') await pause(state.delayMs);
    if (url.pathname === '/health') {
      drain(req);
      return sendJson(res, 200, { status: 'ok' });
    }
    const download_ = /^\/api\/v1\/downloads\/photos\/(\d{1,9}-\d{1,6})$/.exec(url.pathname);
    if (download_?.[1]) {
      if (mode === 'errors' || mode === 'storage-lost') return fail(req, res, null, mode);
      return download(req, res, download_[1], url.searchParams);
    }
    const m = /^\/api\/v1\/(events|gallery)\/([^/]{1,512})(?:\/(.*))?$/.exec(url.pathname);
    if (!m) {
      drain(req);
      return sendJson(res, 404, { message: 'Not Found' });
    }
    const [, area, rawToken = '', rest = ''] = m;
    const token = decodeURIComponent(rawToken);
    const event = byToken.get(token);
    if (event) owner(res, event);
    if (mode === 'errors') return fail(req, res, event ?? null, mode);
    if (!event) return tokenFailure(req, res, token);
    const touchesStorage =
      area === 'gallery' || rest === 'photos' || rest === 'uploads' || rest.startsWith('photos/');
    if (mode === 'storage-lost' && touchesStorage) return fail(req, res, event, mode);
    if (area === 'events' && rest === 'uploads' && req.method === 'POST') return upload(req, res, event);
    drain(req);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { message: 'Method Not Allowed' });
    const tenant = seed.tenants.find((t) => t.id === event.tenantId);
    const summary = { id: event.id, name: event.name, tenant: tenant?.name ?? null };
    if (area === 'events') {
      if (rest === '') return sendJson(res, 200, summary);
      if (rest === 'stats')
        return sendJson(res, 200, { event: summary, photos: event.photos, guests: 3 * event.photos });
      if (rest === 'tasks')
        return sendJson(res, 200, {
          tasks: [
            { id: 1, title: 'Take a group photo' },
            { id: 2, title: 'Find the cake' },
          ],
        });
      if (rest === 'photos') return sendJson(res, 200, { photos: photos(event) });
    } else {
      if (rest === '') return sendJson(res, 200, { event: summary, photo_count: event.photos });
      if (rest === 'photos') return sendJson(res, 200, { photos: photos(event) });
      const dl = /^photos\/(\d{1,6})\/download$/.exec(rest);
      const n = Number(dl?.[1]);
      if (dl && n >= 1 && n <= event.photos) {
        res.writeHead(302, { location: signedUrl(event, n), 'content-length': 0 });
        return void res.end();
      }
    }
    return sendJson(res, 404, { message: 'Not Found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { message: 'Server Error' });
      else res.destroy();
    });
  });
  return {
    name: 'guest-api',
    server,
    listen: (port, host) => listenOn(server, port, host),
    misbehave(mode, delayMs) {
      state.mode = mode;
      state.delayMs = Math.min(delayMs ?? DEFAULT_SLOW_MS, MAX_SLOW_MS);
    },
    mode: () => state.mode,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await log.close();
      for (const f of uploads) {
        try {
          unlinkSync(f);
        } catch {
          // already gone
        }
      }
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
