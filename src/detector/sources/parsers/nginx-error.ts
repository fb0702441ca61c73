import type { Decision } from '../../../domain/request-event.js';
import { buildEvent, fail, precheck, stripQuery } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { redactRequestLine } from '../../../shared/redact-query.js';
import { parseSlashTime } from './time.js';

const HEAD = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w{1,10})\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$/;
// The context nginx appends: ", client: 1.2.3.4, server: x, request: "GET /a HTTP/1.1", host: "x"".
const PAIR = /, (client|server|request|upstream|host|referrer|subrequest|login|port): ("[^"\\]*(?:\\.[^"\\]*)*"|[^,]*)/y;
const LIMIT_REQ = /^limiting requests(, dry run)?, excess: ([\d.]+) by zone "([^"]*)"/;
const LIMIT_CONN = /^limiting connections(, dry run)?,? by zone "([^"]*)"/;

/**
 * nginx error log. limit_req/limit_conn rejections become rate-limited 429 events (the access log shows the
 * same request with nginx's limit_req_status, 503 by default); upstream failures become upstream errors;
 * everything else keeps its level and message. The time is the server's local time, read as UTC.
 */
export function nginxErrorParser(maxLineLength?: number): LineParser {
  return {
    format: 'nginx-error',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const m = HEAD.exec(checked.line);
      if (!m) return fail('not an nginx error log line');
      const time = parseSlashTime(m[1] ?? '');
      if (time === null) return fail('bad time');
      const level = m[2] ?? '';
      const body = m[6] ?? '';
      const cut = body.indexOf(', client: ');
      const message = cut >= 0 ? body.slice(0, cut) : body;
      const context: Record<string, string> = {};
      if (cut >= 0) {
        PAIR.lastIndex = cut;
        let pair: RegExpExecArray | null;
        while ((pair = PAIR.exec(body)) !== null) {
          const value = pair[2] ?? '';
          context[pair[1] ?? ''] = value.startsWith('"') ? value.slice(1, -1) : value;
        }
      }
      const fields: Record<string, FieldValue> = { pid: Number(m[3]) };
      if (m[5] !== undefined) fields.connection = Number(m[5]);
      if (context.server !== undefined) fields.server = context.server;
      if (context.upstream !== undefined) fields.upstream = stripQuery(context.upstream);
      if (context.referrer !== undefined) fields.referer = stripQuery(context.referrer);
      if (context.request !== undefined && context.request !== '') fields.request = redactRequestLine(context.request);

      let status: number | null = null;
      let decision: Decision | null = null;
      let rule: string | null = null;
      const limitReq = LIMIT_REQ.exec(message);
      const limitConn = limitReq ? null : LIMIT_CONN.exec(message);
      if (limitReq) {
        rule = `nginx:limit_req:${limitReq[3] ?? ''}`;
        fields.excess = Number(limitReq[2]);
        if (limitReq[1] === undefined) [status, decision] = [429, 'rate-limited'];
        else fields.dryRun = true;
      } else if (limitConn) {
        rule = `nginx:limit_conn:${limitConn[2] ?? ''}`;
        if (limitConn[1] === undefined) [status, decision] = [429, 'rate-limited'];
        else fields.dryRun = true;
      } else if (message.startsWith('upstream timed out')) {
        [status, decision] = [504, 'upstream-error'];
      } else if (/upstream|no live upstreams/.test(message) && level !== 'warn' && level !== 'notice') {
        [status, decision] = [502, 'upstream-error'];
      }

      const [method, uri] = splitRequest(context.request);
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

function splitRequest(request: string | undefined): [string | null, string | null] {
  if (request === undefined) return [null, null];
  const [method, uri] = request.split(' ', 2);
  return method !== undefined && /^[A-Z]{1,16}$/.test(method) ? [method, uri ?? null] : [null, null];
}
