import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../../domain/request-event.js';
import { createEventEnricher } from '../../enrich-event.js';
import { fieldGetter } from '../../rules/event-fields.js';
import { seedPlaybook } from '../../testing/events.js';
import { startHarness, eventsArrive } from '../../../gateway/testing/harness.js';
import { FORMAT_FIELDS, fieldsOf } from './fields-of.js';
import { getParser, LOG_FORMATS } from './index.js';

/** The event properties rules can name (fieldGetter's names); parsed fields are named by their key. */
const PROPERTIES = [
  'ip', 'ip_prefix', 'ip_prefix16', 'token', 'token_preview', 'tenant', 'event', 'route', 'host', 'subject', 'method', 'path', 'query',
  'status', 'decision', 'user_agent', 'level', 'message', 'source', 'rule', 'bytes', 'duration_ms',
];

/** The fields an event actually carries: a property with a value, or a parsed field that is not null. */
function carried(event: RequestEvent, routes: ReadonlyMap<string, string>): Set<string> {
  const found = new Set<string>();
  for (const name of PROPERTIES) if (fieldGetter(name, routes)(event) !== null) found.add(name);
  for (const [key, value] of Object.entries(event.fields)) if (value !== null) found.add(key);
  return found;
}

const TOKEN_PATH = '/api/v1/events/abcdefghijklmnop/photos';

/**
 * Lines that between them carry every field their format can produce (nginx's key=value pairs and Laravel's
 * free context keys are left out: those are declared by the playbook in extra_fields).
 */
const SAMPLES: Record<string, { lines: string[]; pattern?: string }> = {
  nginx: {
    lines: [
      `203.0.113.7 - alice [19/Oct/2025:12:00:00 +0000] "GET ${TOKEN_PATH}?token=qs-token HTTP/1.1" 404 512 "https://ref.example/p?q=1" "curl/8.0" 0.012 0.010`,
      '203.0.113.8 - - [19/Oct/2025:12:00:01 +0000] "GET / HTTP/1.1" 503 197 "-" "curl/8.0" 0.000 -',
    ],
  },
  apache: {
    lines: [`203.0.113.7 - alice [19/Oct/2025:12:00:00 +0000] "GET ${TOKEN_PATH}?token=qs HTTP/1.1" 404 512 "https://r.example/" "curl/8.0"`],
  },
  'nginx-json': {
    lines: [
      JSON.stringify({
        time_iso8601: '2025-10-19T12:00:00+00:00', remote_addr: '203.0.113.7', request_method: 'GET',
        request_uri: `${TOKEN_PATH}?token=qs`, status: '200', body_bytes_sent: '10', request_time: '0.010',
        host: 'api.example', http_user_agent: 'ua', http_x_forwarded_for: '198.51.100.1', http_referer: 'https://r/',
        upstream_response_time: '0.009', server_protocol: 'HTTP/1.1', request_id: 'req-1',
      }),
      JSON.stringify({ time_iso8601: '2025-10-19T12:00:01+00:00', remote_addr: '203.0.113.8', request: 'GET /a?b=1 HTTP/1.1', status: '404' }),
    ],
  },
  'nginx-error': {
    lines: [
      `2025/10/19 12:00:00 [error] 1234#0: *5 limiting requests, excess: 10.500 by zone "api", client: 203.0.113.7, server: api.example, request: "GET ${TOKEN_PATH}?token=qs HTTP/1.1", upstream: "http://127.0.0.1:9000/x", host: "api.example", referrer: "https://r.example/"`,
      '2025/10/19 12:00:01 [warn] 1234#0: *6 limiting requests, dry run, excess: 1.000 by zone "api", client: 203.0.113.8, server: api.example, request: "GET / HTTP/1.1", host: "api.example"',
      '2025/10/19 12:00:02 [warn] 1234#0: *7 delaying request, excess: 0.500, by zone "api", client: 203.0.113.9, server: api.example, request: "GET / HTTP/1.1", host: "api.example"',
      '2025/10/19 12:00:03 [error] 1234#0: *8 user "x", client: 10.9.9.9, server: y" was not found in "/etc/nginx/htpasswd", client: 203.0.113.10, server: api.example, request: "GET / HTTP/1.1", host: "api.example"',
    ],
  },
  'apache-error': {
    lines: [
      '[Sun Oct 19 12:00:00.123456 2025] [proxy:error] [pid 35708:tid 4328636416] (111)Connection refused: [client 203.0.113.7:53912] AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (127.0.0.1) failed',
      '[Sun Oct 19 12:00:01.000000 2025] [authz_core:error] [pid 35708:tid 1] [client 203.0.113.7:53913] AH01630: client denied by server configuration: /srv/www/private, referer: https://r.example/a?b=1',
      '[Sun Oct 19 12:00:02.000000 2025] [proxy_http:error] [pid 35708:tid 1] [remote 127.0.0.1:8080] AH01102: error reading status line from remote server 127.0.0.1:8080',
    ],
  },
  caddy: {
    lines: [
      JSON.stringify({
        level: 'info', ts: 1760875200.5, logger: 'http.log.access', msg: 'handled request', duration: 0.01, size: 10,
        status: 200,
        request: {
          remote_ip: '203.0.113.7', proto: 'HTTP/2.0', method: 'GET', host: 'api.example', uri: `${TOKEN_PATH}?token=qs`,
          headers: { 'User-Agent': ['ua'], Referer: ['https://r/'] },
        },
      }),
    ],
  },
  traefik: {
    lines: [
      JSON.stringify({
        StartUTC: '2025-10-19T12:00:00.123456789Z', ClientHost: '203.0.113.7', RequestMethod: 'GET',
        RequestPath: `${TOKEN_PATH}?token=qs`, RequestHost: 'api.example', DownstreamStatus: 200, OriginStatus: 200,
        DownstreamContentSize: 10, Duration: 1000000, RouterName: 'r', ServiceName: 's', entryPointName: 'web',
        RequestProtocol: 'HTTP/1.1', RequestScheme: 'https', request_Referer: 'https://r/', 'request_User-Agent': 'ua',
        level: 'info',
      }),
    ],
  },
  laravel: {
    lines: [
      `[2025-10-19 12:00:00] production.WARNING: Join token access denied {"ip":"203.0.113.7","token":"abcd…ef","event_id":42,"tenant_id":7,"user_id":9,"route":"event-api","method":"GET","path":"/api/v1/events/abcd…ef/photos","reason":"token_rate_limited","status":429} []`,
      // Without a route in the context, the path gives the route (and routeName) as the gateway would.
      `[2025-10-19 12:00:01] production.ERROR: Gallery failed {"path":"${TOKEN_PATH}"} []`,
      `[2025-10-19 12:00:02] production.ERROR: Search failed {"url":"https://api.example/search?q=x"} []`,
    ],
  },
  uvicorn: {
    lines: [
      `2025-10-19 12:00:00,123 INFO:     203.0.113.7:5432 - "GET ${TOKEN_PATH}?token=qs HTTP/1.1" 200 OK`,
      '2025-10-19 12:00:01 - uvicorn.error - ERROR - Exception in ASGI application',
    ],
  },
  'uvicorn-error': { lines: ['2025-10-19 12:00:01 - uvicorn.error - ERROR - Exception in ASGI application'] },
  jsonl: {
    lines: [
      JSON.stringify({
        time: '2025-10-19T12:00:00Z', ip: '203.0.113.7', method: 'GET', path: '/x?page=2', status: 200, bytes: 10,
        duration_ms: 5, token: 'tok-1', tenant: 'acme', event: 'e1', subject: 'u1', route: 'r', host: 'h',
        user_agent: 'ua', message: 'm', level: 'info',
      }),
      JSON.stringify({ time: '2025-10-19T12:00:01Z', path: TOKEN_PATH, status: 200 }),
    ],
  },
  regex: {
    pattern: '^(?<time>\\S+) (?<ip>\\S+) (?<method>\\S+) (?<path>\\S+) (?<status>\\d+) (?<order>\\S+)$',
    lines: [`2025-10-19T12:00:00Z 203.0.113.7 GET ${TOKEN_PATH}?page=2 200 o-17`],
  },
};

describe('the field catalogue (fieldsOf) says exactly what each parser produces', () => {
  it('has samples for every log format', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...LOG_FORMATS].sort());
  });

  for (const format of LOG_FORMATS) {
    it(`${format}: every declared field is produced on its sample lines, and every produced field is declared`, async () => {
      const playbook = await seedPlaybook('fotospiel-public-api.yaml');
      const routes = new Map(playbook.service.routes.flatMap((r) => [[r.pattern, r.name] as const, [r.name, r.name] as const]));
      const enrich = createEventEnricher(playbook, 'test-key');
      const sample = SAMPLES[format] as { lines: string[]; pattern?: string };
      const parser = getParser(format, sample.pattern === undefined ? {} : { pattern: sample.pattern });
      const produced = new Set<string>();
      for (const line of sample.lines) {
        const parsed = parser.parse(line, { service: 'guest-api', source: 'access', tokenKey: 'test-key', now: 0 });
        if (!parsed.ok) throw new Error(`${format} sample not parsed (${parsed.reason}): ${line}`);
        enrich(parsed.event);
        for (const field of carried(parsed.event, routes)) produced.add(field);
      }
      const declared = fieldsOf({ kind: 'log', format, pattern: sample.pattern }, { pathTokens: true });
      expect([...produced].sort()).toEqual([...declared].sort());
    });
  }

  it("gateway: the fields of Rampart's own gateway events are declared", async () => {
    const h = await startHarness({
      gateway: {
        tokens: [{ name: 'join', in: 'path', param: 'token', routes: ['event-photos'] }],
        rate_limits: [{ name: 'per-ip', key: 'ip', limit: 1, window: '1m' }],
      },
    });
    // An upstream that is down gives the message (the upstream error) the others lack.
    const down = await startHarness({ upstreamDown: true });
    try {
      await h.send('/api/v1/events/abcdefghijklmnop/photos', { headers: { 'user-agent': 'ua' } });
      await h.send('/api/v1/events/abcdefghijklmnop/photos?page=2&access_token=secret-value', { headers: { 'user-agent': 'ua' } });
      await down.send('/health');
      const events = [...(await eventsArrive(h, 2)), ...(await eventsArrive(down, 1))];
      const routes = new Map([['/api/v1/events/{token}/photos', 'event-photos']]);
      const produced = new Set(events.flatMap((e) => [...carried(e, routes)]));
      // The gateway's event carries the query, a secret's value redacted.
      expect(events.map((e) => e.query)).toContain('page=2&access_token=[redacted]');
      const declared = fieldsOf({ kind: 'gateway' });
      expect([...produced].filter((f) => !declared.has(f))).toEqual([]);
      // subject and tenant come from a verified JWT (gateway tests cover those); duration_ms is set on every event.
      const missing = [...declared].filter((f) => !produced.has(f));
      // shadowLimited only on a request a shadow rate limit would have refused (test/e2e/metrics-health).
      expect(missing.sort()).toEqual(['shadowLimited', 'subject', 'tenant']);
      expect(FORMAT_FIELDS.gateway).toContain('subject');
    } finally {
      await h.close();
      await down.close();
    }
  });
});
