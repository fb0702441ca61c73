import type { RequestEvent } from '../domain/request-event.js';
import type { Playbook } from '../playbook/index.js';
import { hashedTokens } from './hashed-tokens.js';
import type { HashedToken } from './hashed-tokens.js';

interface CompiledRoute {
  name: string;
  pattern: string;
  regex: RegExp;
  methods: ReadonlySet<string> | null;
  /** Index in path.split('/') of the segment that holds a token, or -1. */
  tokenSegment: number;
}

const MAX_TOKEN_LENGTH = 4096;

/**
 * Gives a log line's event what the gateway knows about a request: the playbook route it hit (route =
 * pattern, fields.routeName = name, as the gateway records them) and the join token in its path, hashed with
 * the token key, with the path showing only the preview. Events that already have a route (from the gateway)
 * are left alone, so live and replay group and filter the same requests the same way.
 */
export function createEventEnricher(playbook: Playbook, tokenKey: string): (event: RequestEvent) => void {
  // service.tokens: the same list the gateway reads, with or without a gateway section.
  const pathTokens = playbook.service.tokens.filter((t) => t.in === 'path');
  const routes: CompiledRoute[] = playbook.service.routes.map((route) => {
    const segments = route.pattern.split('/');
    const kind = pathTokens.find((t) => t.routes.includes(route.name));
    return {
      name: route.name,
      pattern: route.pattern,
      regex: routeRegExp(route.pattern),
      methods: route.methods ? new Set(route.methods) : null,
      tokenSegment: kind && 'param' in kind ? segments.indexOf(`{${kind.param}}`) : -1,
    };
  });
  // A busy event's token is hashed once, not per line.
  const hash = hashedTokens(tokenKey);
  return (event) => {
    if (event.route !== null || event.path === '') return;
    for (const route of routes) {
      if (route.methods !== null && !route.methods.has(event.method)) continue;
      if (!route.regex.test(event.path)) continue;
      event.route = route.pattern;
      event.fields.routeName = route.name;
      if (route.tokenSegment > 0) takePathToken(event, route.tokenSegment, hash);
      return;
    }
  };
}

function takePathToken(event: RequestEvent, index: number, hash: (token: string) => HashedToken): void {
  // Find segment `index` by scanning for slashes: no split/join per line.
  const path = event.path;
  let start = 0;
  for (let i = 0; i < index; i++) {
    start = path.indexOf('/', start) + 1;
    if (start === 0) return;
  }
  let end = path.indexOf('/', start);
  if (end === -1) end = path.length;
  const raw = path.slice(start, end);
  if (raw === '' || raw.length > MAX_TOKEN_LENGTH) return;
  let token = raw;
  if (raw.includes('%')) {
    try {
      token = decodeURIComponent(raw);
    } catch {
      // A malformed escape is still the value the client sent.
    }
  }
  const hashed = hash(token);
  const preview = hashed.preview;
  if (event.tokenHash === null) {
    event.tokenHash = hashed.hash;
    event.tokenPreview = preview;
  }
  event.path = `${path.slice(0, start)}${preview}${path.slice(end)}`;
}

/** A route template as one anchored RegExp: `{param}` is one segment, a trailing `*` anything below. */
export function routeRegExp(pattern: string): RegExp {
  const segments = pattern.slice(1).split('/');
  let source = '';
  segments.forEach((segment, i) => {
    if (segment === '*' && i === segments.length - 1) source += '(?:/.*)?';
    else if (/^\{[a-z_][a-z0-9_]*\}$/.test(segment)) source += '/[^/]+';
    else source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  });
  return new RegExp(`^${source}$`);
}
