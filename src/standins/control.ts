import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeEqual } from '../shared/secrets.js';
import { isLoopback } from './client-ip.js';
import { readJson, sendJson } from './http-helpers.js';
import { DEFAULT_SLOW_MS, isMisbehaviour, MAX_SLOW_MS, type MisbehaviourState } from './misbehaviour.js';

export const CONTROL_PREFIX = '/__standin/';
export const CONTROL_KEY_HEADER = 'x-standin-key';

export type ExtraControl = (
  action: string,
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<boolean> | boolean;

/**
 * The drills' remote: POST /__standin/misbehave {mode, delayMs?}, GET /__standin/state, plus what a stand-in
 * adds. Only from a loopback peer, never through a proxy (a request that carries X-Forwarded-For came through
 * the gateway), and only with the shared key; anything else is an ordinary 404, so the route is not advertised.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  state: MisbehaviourState,
  describe: () => Record<string, unknown>,
  extra?: ExtraControl,
): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(CONTROL_PREFIX)) return false;
  const given = req.headers[CONTROL_KEY_HEADER];
  const allowed =
    isLoopback(req.socket.remoteAddress) &&
    req.headers['x-forwarded-for'] === undefined &&
    req.headers.forwarded === undefined &&
    typeof given === 'string' &&
    safeEqual(given, key);
  if (!allowed) {
    req.resume();
    sendJson(res, 404, { message: 'Not Found' });
    return true;
  }
  const action = path.slice(CONTROL_PREFIX.length);
  if (action === 'state' && req.method === 'GET') {
    sendJson(res, 200, { mode: state.mode, delayMs: state.delayMs, ...describe() });
    return true;
  }
  if (action === 'misbehave' && req.method === 'POST') {
    const body = await readJson(req);
    const delay = body?.delayMs;
    if (
      !body ||
      !isMisbehaviour(body.mode) ||
      (delay !== undefined && (typeof delay !== 'number' || delay < 0))
    ) {
      sendJson(res, 400, {
        message: 'expected {"mode": none|errors|slow|storage-lost|auth-bypass, "delayMs"?: n}',
      });
      return true;
    }
    state.mode = body.mode;
    state.delayMs = Math.min(typeof delay === 'number' ? delay : DEFAULT_SLOW_MS, MAX_SLOW_MS);
    sendJson(res, 200, { mode: state.mode, delayMs: state.delayMs });
    return true;
  }
  if (extra && (await extra(action, req, res))) return true;
  req.resume();
  sendJson(res, 404, { message: 'unknown control action' });
  return true;
}
