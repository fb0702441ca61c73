import type { Decision } from '../../../domain/request-event.js';
import { buildEvent, fail, precheck, stripQuery } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { parseCtime } from './time.js';
import type { WallClock } from './zone.js';

/*
 * Apache httpd error log, both forms:
 *   2.4  [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:53912] AH00037: msg
 *   2.2  [Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /srv/x
 * The time is the server's local time (the source's timezone). The client comes only from its own bracket
 * right after the level (and pid) brackets: the message after it holds URIs, user names and referers a client
 * wrote, "[client 10.9.9.9]" included, and is never searched for an address.
 */
const HEAD = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,9})? \d{4})\] \[(?:([\w.-]{1,64}):)?(emerg|alert|crit|error|warn|notice|info|debug|trace[1-8])\] /;
const PID = /^\[pid (\d{1,10})(?::tid (\d{1,24}))?\] /;
/**
 * "[client 1.2.3.4]", "[client 1.2.3.4:5678]", "[client 2001:db8::1:5678]"; "remote" for a backend's address.
 * The default ErrorLogFormat may put the source file (debug levels) and the system error ("(111)Connection
 * refused: ") between the pid and the client: both are the server's own text.
 */
const CLIENT = /^(?:[\w.-]{1,64}\(\d{1,6}\): )?(?:\(-?\d{1,9}\)[^:[\]]{0,128}: )?\[(client|remote) ([0-9A-Fa-f.:]{2,64})\] /;
const CODE = /^(AH\d{5}): /;
const REFERER = ', referer: ';

/** Apache's codes for what it refused itself, and for failed backends. */
const DECISIONS: Record<string, [Decision, number]> = {
  AH01630: ['blocked', 403], // client denied by server configuration (2.4 authz)
  AH01797: ['blocked', 403], // client denied by server configuration (mod_access_compat)
  AH01618: ['invalid', 401], // user not found
  AH01617: ['invalid', 401], // password mismatch
  AH01614: ['invalid', 401], // no user given (basic auth)
  AH00126: ['invalid', 400], // invalid URI path
  AH01114: ['upstream-error', 503], // failed to make connection to backend
  AH00957: ['upstream-error', 503], // attempt to connect to backend failed
  AH01102: ['upstream-error', 502], // error reading status line from remote server
  AH01097: ['upstream-error', 502], // pass request body failed
  AH00898: ['upstream-error', 502], // error reading from remote server
};

export function apacheErrorParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'apache-error',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const text = checked.line;
      const head = HEAD.exec(text);
      if (!head) return fail('not an Apache error log line');
      const time = parseCtime(head[1] ?? '', clock);
      if (time === null) return fail('bad time');
      let rest = text.slice(head[0].length);
      const fields: Record<string, FieldValue> = {};
      if (head[2] !== undefined) fields.module = head[2];
      const pid = PID.exec(rest);
      if (pid) {
        fields.pid = Number(pid[1]);
        rest = rest.slice(pid[0].length);
      }
      let ip: string | null = null;
      const client = CLIENT.exec(rest);
      if (client) {
        // 2.4 (module:level) always prints the client's port; 2.2 never did.
        const address = head[2] !== undefined ? withoutPort(client[2] ?? '') : (client[2] ?? '');
        if (client[1] === 'client') ip = address;
        else fields.remote = address;
        rest = rest.slice(client[0].length);
      }
      const code = CODE.exec(rest);
      if (code) fields.code = code[1] ?? '';
      // Apache appends ", referer: <Referer>" last; the referer is the client's, so only its path is kept.
      const cut = rest.indexOf(REFERER);
      let message = rest;
      if (cut >= 0) {
        fields.referer = stripQuery(rest.slice(cut + REFERER.length));
        message = rest.slice(0, cut);
      }
      let [decision, status]: [Decision, number | null] = ['allowed', null];
      const known = code ? DECISIONS[code[1] ?? ''] : undefined;
      if (known) [decision, status] = known;
      else if (message.startsWith('client denied by server configuration')) [decision, status] = ['blocked', 403];
      else if (/^user .{0,256}(?:not found|authentication failure|password mismatch)/.test(message)) {
        [decision, status] = ['invalid', 401];
      }
      return buildEvent(
        {
          time,
          status,
          ip,
          level: head[3] ?? null,
          message,
          decision,
          rule: decision === 'allowed' ? null : `apache:${fields.code ?? decision}`,
          fields,
        },
        ctx,
      );
    },
  };
}

/** 2.4's "1.2.3.4:5678" → "1.2.3.4", "2001:db8::1:5678" → "2001:db8::1": the port follows the last colon. */
function withoutPort(address: string): string {
  const last = address.lastIndexOf(':');
  return last > 0 && /^\d{1,5}$/.test(address.slice(last + 1)) ? address.slice(0, last) : address;
}
