/**
 * The field catalogue: which fields the events of each source can carry, so a rule that filters, groups or
 * counts distinct values of a field its sources never produce is refused at load (`rampart playbook
 * validate`), instead of loading and never firing. This is the one place a field is declared: a parser that
 * starts producing a field adds it here, and fields-of.test.ts checks both ways, on sample lines, that every
 * field declared is produced and every field produced is declared.
 *
 * Names are the ones rules use: the event's own properties in snake_case (ip, ip_prefix, user_agent …) and
 * parsed fields under their own name (referer, protocol, upstreamResponseTime …).
 */

/** Every event has these. */
const ALWAYS = ['source', 'decision'] as const;

/** Fields of an access-log line in the combined format (nginx and Apache write the same). */
const COMBINED = [
  'ip',
  'ip_prefix',
  'method',
  'path',
  // The query string without "?", secrets' values redacted (src/shared/redact-query.ts).
  'query',
  // The request line as logged, query redacted: kept when it is malformed and the path is "".
  'request',
  'status',
  'bytes',
  'user_agent',
  // A token in the query string (?token=, ?access_token=, ?join_token=), hashed, with its preview.
  'token',
  'token_preview',
  'referer',
  'protocol',
  'user',
] as const;

/** Declared per log format; `gateway` is Rampart's own gateway (src/gateway/respond.ts toEvent). */
export const FORMAT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  gateway: [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'route', 'host', 'status', 'duration_ms', 'bytes', 'token',
    'token_preview', 'subject', 'tenant', 'user_agent', 'rule', 'message', 'routeName', 'bytesIn', 'completed',
    'shadowLimited', 'upstreamMs',
  ],
  // rule: "nginx:refused" on a request nginx refused itself (limit_req/limit_conn status, no upstream asked).
  nginx: [...COMBINED, 'duration_ms', 'upstreamResponseTime', 'rule'],
  apache: COMBINED,
  'nginx-json': [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'request', 'status', 'bytes', 'duration_ms', 'host', 'user_agent', 'token',
    'token_preview', 'forwardedFor', 'referer', 'upstreamResponseTime', 'protocol', 'requestId',
  ],
  'nginx-error': [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'request', 'status', 'host', 'level', 'message', 'rule', 'token', 'token_preview',
    'pid', 'connection', 'server', 'upstream', 'referer', 'excess', 'dryRun', 'delayed', 'clientAmbiguous',
  ],
  'apache-error': [
    'ip', 'ip_prefix', 'status', 'level', 'message', 'rule', 'module', 'pid', 'code', 'referer', 'remote',
  ],
  caddy: [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'status', 'bytes', 'duration_ms', 'host', 'user_agent', 'level', 'message',
    'token', 'token_preview', 'logger', 'referer', 'protocol',
  ],
  traefik: [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'status', 'bytes', 'duration_ms', 'host', 'user_agent', 'level', 'token',
    'token_preview', 'router', 'serviceName', 'entryPoint', 'protocol', 'scheme', 'originStatus', 'referer',
  ],
  laravel: [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'status', 'token', 'token_preview', 'event', 'tenant', 'subject', 'route',
    'level', 'message', 'rule', 'channel', 'reason',
  ],
  // uvicorn's access and error loggers often share one stream: the access format reads both.
  uvicorn: [
    'ip', 'ip_prefix', 'method', 'path', 'query', 'request', 'status', 'token', 'token_preview', 'level', 'protocol', 'message',
    'logger',
  ],
  'uvicorn-error': ['status', 'level', 'message', 'logger'],
};

/**
 * Names a jsonl mapping or a regex group gives to event properties (see named-fields.ts), and the rule fields
 * each one yields.
 */
const NAMED: Readonly<Record<string, readonly string[]>> = {
  time: [],
  ip: ['ip', 'ip_prefix'],
  method: ['method'],
  path: ['path', 'query'],
  status: ['status'],
  bytes: ['bytes'],
  duration_ms: ['duration_ms'],
  token: ['token', 'token_preview'],
  tenant: ['tenant'],
  event: ['event'],
  subject: ['subject'],
  route: ['route'],
  host: ['host'],
  user_agent: ['user_agent'],
  message: ['message'],
  level: ['level'],
};

/** What fieldsOf needs of a detection source (structurally a playbook SourceSpec). */
export interface SourceFieldsInput {
  kind: string;
  format?: string | undefined;
  pattern?: string | undefined;
  fields?: Record<string, string> | undefined;
  extra_fields?: readonly string[] | undefined;
}

export interface FieldsOptions {
  /** The playbook reads join tokens from request paths: enrichment adds token and token_preview. */
  pathTokens?: boolean;
}

/**
 * The fields a source's events can carry: its format's, the groups of a regex pattern or the names of a jsonl
 * mapping, the source's `extra_fields`, and what enrichment adds (a path gives the route and, when the playbook
 * reads tokens from paths, the token).
 */
export function fieldsOf(source: SourceFieldsInput, options: FieldsOptions = {}): Set<string> {
  const fields = new Set<string>(ALWAYS);
  const add = (names: Iterable<string>) => {
    for (const name of names) fields.add(name);
  };
  if (source.kind === 'gateway') add(FORMAT_FIELDS.gateway ?? []);
  else if (source.kind !== 'log') return new Set();
  else if (source.format === 'regex') {
    for (const m of (source.pattern ?? '').matchAll(/\(\?<([A-Za-z_]\w*)>/g)) add(NAMED[m[1] ?? ''] ?? [m[1] ?? '']);
  } else if (source.format === 'jsonl') {
    // Without a mapping every property is looked for under its usual keys (jsonl.ts DEFAULT_PATHS).
    for (const names of Object.values(NAMED)) add(names);
    for (const name of Object.keys(source.fields ?? {})) add(NAMED[name] ?? [name]);
  } else add(FORMAT_FIELDS[source.format ?? ''] ?? []);
  add(source.extra_fields ?? []);
  // Derived from the address: the /16 (IPv4) or /48 (IPv6) it belongs to, for networks wider than a /24.
  if (fields.has('ip')) fields.add('ip_prefix16');
  if (fields.has('path')) {
    add(['route', 'routeName']);
    if (options.pathTokens === true) add(['token', 'token_preview']);
  }
  return fields;
}
