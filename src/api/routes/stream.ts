import type { ServerResponse } from 'node:http';
import { RampartError } from '../../shared/errors.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';
import type { LiveMessage } from '../live/live-feed.js';

const HEARTBEAT_MS = 15_000;
/** A browser that stops reading is dropped (it resumes with Last-Event-ID) rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1_048_576;

function frame(message: LiveMessage): string {
  return `id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/**
 * The console's one event stream (server-sent events). Authenticated like any read (the session cookie, or an
 * API key for scripts); resumable with Last-Event-ID; a "reset" event tells the page to re-read everything.
 */
export function streamRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/v1/stream',
      role: 'viewer',
      tag: 'stream',
      summary:
        'Server-sent events: incident.opened, incident.changed, mitigation.applied/lifted, timeline.advanced, reset',
      handler: ({ request, reply }) => {
        const live = deps.live;
        if (!live) throw new RampartError('RAMPART_NOT_FOUND', 'this process serves no live stream');
        if (live.streams >= live.maxStreams) {
          throw new RampartError(
            'RAMPART_BUSY',
            `too many live streams (${live.maxStreams}); try again later`,
          );
        }
        const lastEventId = request.headers['last-event-id'];
        const backlog = live.since(typeof lastEventId === 'string' ? lastEventId : undefined);
        reply.hijack();
        const res: ServerResponse = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let open = true;
        let unsubscribe = (): void => undefined;
        const timers: { heartbeat?: NodeJS.Timeout } = {};
        const close = () => {
          if (!open) return;
          open = false;
          unsubscribe();
          clearInterval(timers.heartbeat);
          res.end();
        };
        const write = (text: string) => {
          if (!open) return;
          res.write(text);
          if (res.writableLength > MAX_BUFFERED_BYTES) close();
        };
        write('retry: 3000\n\n');
        if (backlog === 'reset') write(`id: ${live.lastId}\nevent: reset\ndata: {}\n\n`);
        else for (const message of backlog) write(frame(message));
        if (!open) return Promise.resolve(undefined);
        unsubscribe = live.subscribe(
          (message) => write(frame(message)),
          () => close(),
        );
        const session = request.caller?.session;
        const heartbeat = setInterval(() => {
          write(': ping\n\n');
          // A stream outlives no sign-out, expiry or key revocation by more than one heartbeat.
          if (!session) return;
          deps.store.consoleSessions
            .get(session.idHash)
            .then(async (found) => {
              if (!found || Date.parse(found.expiresAt) <= deps.clock.now().getTime()) return close();
              const key = await deps.store.apiKeys.get(found.keyId);
              if (!key || key.revokedAt !== null) close();
            })
            .catch(() => close());
        }, HEARTBEAT_MS);
        heartbeat.unref();
        timers.heartbeat = heartbeat;
        request.raw.on('close', close);
        return Promise.resolve(undefined);
      },
    }),
  ];
}
