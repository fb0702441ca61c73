import type { Decision } from '../../../domain/request-event.js';
import { buildEvent, fail, precheck, stripQuery } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { redactRequestLine } from '../../../shared/redact-query.js';
import { parseSlashTime } from './time.js';
import type { WallClock } from './zone.js';

const HEAD = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w{1,10})\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$/;
// The context nginx appends: ", client: 1.2.3.4, server: x, request: "GET /a HTTP/1.1", host: "x"".
const PAIR = /, (client|server|request|upstream|host|referrer|subrequest|login|port): ("[^"\\]*(?:\\.[^"\\]*)*"|[^,]*)/y;
const LIMIT_REQ = /^limiting requests(, dry run)?, excess: ([\d.]+) by zone "([^"]*)"/;
// limit_req with delay/burst: the request waited, then went through (the access log shows its real status).
const DELAYING = /^delaying request(, dry run)?, excess: ([\d.]+), by zone "([^"]*)"/;
const LIMIT_CONN = /^limiting connections(, dry run)?,? by zone "([^"]*)"/;

/**
 * nginx error log. limit_req/limit_conn rejections become rate-limited 429 events (the access log shows the
 * same request with nginx's limit_req_status, 503 by default); upstream failures become upstream errors;
 * everything else keeps its level and message. The time is the server's local time: the source's timezone.
 */
export function nginxErrorParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'nginx-error',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const m = HEAD.exec(checked.line);
      if (!m) return fail('not an nginx error log line');
      const time = parseSlashTime(m[1] ?? '', clock);
      if (time === null) return fail('bad time');
      const level = m[2] ?? '';
      const body = m[6] ?? '';
      const { cut, context, ambiguous } = contextOf(body);
      const message = cut >= 0 ? body.slice(0, cut) : body;
      const fields: Record<string, FieldValue> = { pid: Number(m[3]) };
      if (m[5] !== undefined) fields.connection = Number(m[5]);
      // More than one ", client: " on the line: a client wrote one (a user name, a URI, a referer). Which is
      // nginx's own cannot be told from the text, so the line names no client at all rather than the wrong one.
      if (ambiguous) fields.clientAmbiguous = true;
      if (context.server !== undefined) fields.server = context.server;
      if (context.upstream !== undefined) fields.upstream = stripQuery(context.upstream);
      if (context.referrer !== undefined) fields.referer = stripQuery(context.referrer);
      if (context.request !== undefined && context.request !== '') fields.request = redactRequestLine(context.request);

      let status: number | null = null;
      let decision: Decision | null = null;
      let rule: string | null = null;
      const limitReq = LIMIT_REQ.exec(message);
      const limitConn = limitReq ? null : LIMIT_CONN.exec(message);
      const delaying = limitReq || limitConn ? null : DELAYING.exec(message);
      if (limitReq) {
        rule = `nginx:limit_req:${limitReq[3] ?? ''}`;
        fields.excess = Number(limitReq[2]);
        if (limitReq[1] === undefined) [status, decision] = [429, 'rate-limited'];
        else fields.dryRun = true;
      } else if (limitConn) {
        rule = `nginx:limit_conn:${limitConn[2] ?? ''}`;
        if (limitConn[1] === undefined) [status, decision] = [429, 'rate-limited'];
        else fields.dryRun = true;
      } else if (delaying) {
        rule = `nginx:limit_req_delay:${delaying[3] ?? ''}`;
        fields.excess = Number(delaying[2]);
        fields.delayed = true;
        if (delaying[1] === undefined) decision = 'rate-limited';
        else fields.dryRun = true;
      } else if (message.startsWith('upstream timed out')) {
        [status, decision] = [504, 'upstream-error'];
      } else if (/upstream|no live upstreams/.test(message) && level !== 'warn' && level !== 'notice') {
        [status, decision] = [502, 'upstream-error'];
      }

      const [method, uri] = splitRequest(context.request);
      // An address only from nginx's own context (contextOf), and only when it is one.
      return buildEvent(
        {
          time,
          method,
          uri,
          status,
          ip: context.client ?? null,
          host: context.host ?? null,
          level,
          message,
          decision: decision ?? 'allowed',
          rule,
          fields,
        },
        ctx,
      );
    },
  };
}

const CLIENT = ', client: ';
/** A message with no quoted text, or only nginx's own "by zone" name: nothing in it came from a client. */
const FIXED_MESSAGE = /^(?:[^"]*|(?:limiting|delaying) [^"]* by zone "[^"]*")$/;

/**
 * nginx appends the request's context after the message, always in one order: client, server, request,
 * subrequest, upstream, host, referrer (login for mail). Neither the message before it (user names, decoded URIs
 * in open() errors) nor the quoted values in it (request line, Host, Referer) are escaped, so a client can write
 * ", client: 10.9.9.9" on either side of the real one. One occurrence is nginx's. With more than one, the
 * first is nginx's when the message before it quotes nothing (nginx quotes the client text it puts in a
 * message: user "…", open() "…"; "limiting requests, excess: 1.000 by zone "api"" quotes only the zone,
 * which is the server's own), and the rest sit in the request line, Host or Referer after it; otherwise the
 * context is not trusted. Each key is read once: a later "client:" inside a quoted value never replaces it.
 */
function contextOf(body: string): { cut: number; context: Record<string, string>; ambiguous: boolean } {
  const context: Record<string, string> = {};
  const cut = body.indexOf(CLIENT);
  if (cut < 0) return { cut, context, ambiguous: false };
  if (body.indexOf(CLIENT, cut + CLIENT.length) >= 0 && !FIXED_MESSAGE.test(body.slice(0, cut))) {
    return { cut, context, ambiguous: true };
  }
  PAIR.lastIndex = cut;
  let pair: RegExpExecArray | null;
  while ((pair = PAIR.exec(body)) !== null) {
    const key = pair[1] ?? '';
    if (Object.hasOwn(context, key)) continue;
    const value = pair[2] ?? '';
    context[key] = value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return { cut, context, ambiguous: false };
}

function splitRequest(request: string | undefined): [string | null, string | null] {
  if (request === undefined) return [null, null];
  const [method, uri] = request.split(' ', 2);
  return method !== undefined && /^[A-Z]{1,16}$/.test(method) ? [method, uri ?? null] : [null, null];
}
