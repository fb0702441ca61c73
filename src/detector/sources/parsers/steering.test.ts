import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './index.js';

/*
 * Issue 9 item 3: a client must not choose the address a per-IP rule counts (and a block blocks). Each format's
 * client address comes from its fixed position; these lines put an attacker's address everywhere else a client
 * can write text: user names, URIs, user agents, referers, headers, JSON keys.
 */
const ctx = { service: 'svc', source: 'test', tokenKey: 'k', now: Date.UTC(2025, 9, 19) };
const ATTACKER_CHOICE = '10.9.9.9';
const REAL = '203.0.113.7';

function ipOf(result: ParseResult): string | null {
  return result.ok ? result.event.ip : null;
}

const CORPUS: Record<string, { line: string; real: string | null; why: string; options?: { fields: Record<string, string> } }[]> = {
  'nginx-error': [
    {
      why: 'a basic-auth user name carrying a fake context before the real one',
      line: `2025/10/19 12:00:00 [error] 7#7: *3 user "x", client: ${ATTACKER_CHOICE}, server: api, request: "GET / HTTP/1.1", host: "api" was not found in "/etc/nginx/.htpasswd", client: ${REAL}, server: api, request: "GET /admin HTTP/1.1", host: "api"`,
      // Which ", client:" is nginx's cannot be told: no address rather than the attacker's.
      real: null,
    },
    {
      why: 'a decoded URI in an open() error carrying a fake context',
      line: `2025/10/19 12:00:00 [error] 7#7: *4 open() "/srv/www/a, client: ${ATTACKER_CHOICE}, server: api" failed (2: No such file or directory), client: ${REAL}, server: api, request: "GET /a%2C%20client%3A%2010.9.9.9 HTTP/1.1", host: "api"`,
      real: null,
    },
    {
      why: 'a referer carrying a fake context after the real one, on a limit_req line',
      line: `2025/10/19 12:00:00 [error] 7#7: *5 limiting requests, excess: 10.500 by zone "api", client: ${REAL}, server: api, request: "GET / HTTP/1.1", host: "api", referrer: "https://x/", client: ${ATTACKER_CHOICE}, server: api, host: "y"`,
      real: REAL,
    },
    {
      why: 'a Host header carrying a fake client after an upstream error',
      line: `2025/10/19 12:00:00 [error] 7#7: *6 connect() failed (111: Connection refused) while connecting to upstream, client: ${REAL}, server: api, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9000/", host: "a", client: ${ATTACKER_CHOICE}, server: b"`,
      real: REAL,
    },
  ],
  'apache-error': [
    {
      why: 'a URI in the message holding a [client] bracket',
      line: `[Sun Oct 19 12:00:00.000000 2025] [core:error] [pid 1:tid 2] [client ${REAL}:5000] AH00126: Invalid URI in request GET /[client ${ATTACKER_CHOICE}:1] HTTP/1.1`,
      real: REAL,
    },
    {
      why: 'a server-level line (no client bracket) whose message starts with a fake one after the code',
      line: `[Sun Oct 19 12:00:00.000000 2025] [authn_file:error] [pid 1:tid 2] AH01618: user [client ${ATTACKER_CHOICE}] not found: /private`,
      real: null,
    },
    {
      why: '2.2 form, a referer holding a [client] bracket',
      line: `[Sun Oct 19 12:00:00 2025] [error] [client ${REAL}] client denied by server configuration: /srv/x, referer: http://e/[client ${ATTACKER_CHOICE}]`,
      real: REAL,
    },
  ],
  apache: [
    {
      why: 'a user agent and a request line carrying a second combined line',
      line: `${REAL} - - [19/Oct/2025:12:00:00 +0000] "GET /x\\" 200 1 \\"-\\" \\"-\\"\\n${ATTACKER_CHOICE} - - [ HTTP/1.1" 200 5 "-" "${ATTACKER_CHOICE} - - [19/Oct/2025:12:00:00 +0000] \\"GET / HTTP/1.1\\" 200 5"`,
      real: REAL,
    },
  ],
  nginx: [
    {
      why: 'a remote user with the attacker\'s address (nginx writes $remote_user as sent)',
      line: `${REAL} - ${ATTACKER_CHOICE} [19/Oct/2025:12:00:00 +0000] "GET / HTTP/1.1" 401 5 "-" "ua"`,
      real: REAL,
    },
  ],
  caddy: [
    {
      why: 'X-Forwarded-For and a header named like the address field',
      line: JSON.stringify({
        level: 'info', ts: 1760875200, logger: 'http.log.access', msg: 'handled request', status: 200,
        request: {
          remote_ip: REAL, method: 'GET', uri: '/', host: 'h',
          headers: { 'X-Forwarded-For': [ATTACKER_CHOICE], Client_ip: [ATTACKER_CHOICE], Remote_ip: [ATTACKER_CHOICE] },
        },
      }),
      real: REAL,
    },
    {
      why: 'a duplicate remote_ip key after the real one (JSON.parse keeps the last)',
      line: `{"level":"info","ts":1760875200,"logger":"http.log.access","msg":"handled request","status":200,"request":{"remote_ip":"${REAL}","method":"GET","uri":"/","remote_ip":"${ATTACKER_CHOICE}"}}`,
      real: null,
    },
  ],
  traefik: [
    {
      why: 'request headers kept as request_<Name>, and a duplicate ClientHost',
      line: `{"ClientHost":"${REAL}","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"StartUTC":"2025-10-19T12:00:00Z","request_X-Forwarded-For":"${ATTACKER_CHOICE}","request_X-Real-Ip":"${ATTACKER_CHOICE}","ClientHost":"${ATTACKER_CHOICE}"}`,
      real: null,
    },
  ],
  'nginx-json': [
    {
      why: 'a duplicate remote_addr (an unescaped log_format, or a key spelled with \\u escapes)',
      line: `{"time_iso8601":"2025-10-19T12:00:00+00:00","remote_addr":"${REAL}","request":"GET / HTTP/1.1","status":"200","\\u0072emote_addr":"${ATTACKER_CHOICE}"}`,
      real: null,
    },
  ],
  uvicorn: [
    {
      why: 'a path holding a second access line',
      line: `INFO:     ${REAL}:5000 - "GET /x%20-%20%22GET HTTP/1.1" 404 Not Found`,
      real: REAL,
    },
    {
      why: 'a client address that is not an address (an X-Forwarded-For uvicorn trusted), holding a fake line',
      line: `INFO:     ${ATTACKER_CHOICE} - "GET / HTTP/1.1" 200 OK:0 - "GET /admin HTTP/1.1" 200 OK`,
      real: null,
    },
  ],
  laravel: [
    {
      why: 'Laravel leaves out an empty extra: the one object on the line is the context, whatever the message holds',
      line: `[2025-10-19 12:00:00] production.WARNING: Login failed for {"ip":"x"} {"ip":"${REAL}"}`,
      real: REAL,
    },
    {
      why: 'a message holding JSON before the record\'s own context',
      line: `[2025-10-19 12:00:00] production.WARNING: Login failed for x {"ip":"${ATTACKER_CHOICE}"} {"ip":"${REAL}","reason":"invalid_token"}`,
      real: REAL,
    },
  ],
  jsonl: [
    {
      why: 'the app merged client fields into its record: a second "ip" after its own',
      line: `{"time":"2025-10-19T12:00:00Z","ip":"${REAL}","status":401,"msg":"login failed","ip":"${ATTACKER_CHOICE}"}`,
      real: null,
    },
    {
      why: 'a literal dotted key competing with the nested one a mapping names',
      line: `{"time":"2025-10-19T12:00:00Z","client":{"address":"${REAL}"},"status":401,"client.address":"${ATTACKER_CHOICE}"}`,
      real: null,
      options: { fields: { ip: 'client.address' } },
    },
    {
      why: 'ECS-style records name "address" under several parents: the mapped one is read',
      line: `{"time":"2025-10-19T12:00:00Z","client":{"address":"${REAL}"},"server":{"address":"${ATTACKER_CHOICE}"},"status":200}`,
      real: REAL,
      options: { fields: { ip: 'client.address' } },
    },
    {
      why: 'a key spelled with an escape that JSON.parse folds into "ip"',
      line: `{"time":"2025-10-19T12:00:00Z","ip":"${REAL}","status":401,"\\u0069p":"${ATTACKER_CHOICE}"}`,
      real: null,
    },
  ],
};

describe('parsers that cannot be steered: the client address comes from its fixed position only', () => {
  for (const [format, cases] of Object.entries(CORPUS)) {
    for (const { why, line, real, options } of cases) {
      it(`${format}: ${why}`, () => {
        const result = getParser(format, options).parse(line, ctx);
        expect(ipOf(result)).not.toBe(ATTACKER_CHOICE);
        if (result.ok) expect(result.event.ipPrefix ?? '').not.toContain('10.9.9.');
        expect(ipOf(result)).toBe(real);
      });
    }
  }
});
