/**
 * Every route pattern compiled into one anchored regular expression, so a request costs one regex execution
 * whatever the number of routes. `{param}` is one path segment, a trailing `*` is the rest of the path
 * (including nothing); one trailing slash more matches too. Routes are tried in declaration order. Paths are
 * matched in their canonical form (src/shared/http/canonical-path.ts).
 */
export interface RoutePattern {
  name: string;
  pattern: string;
}

export interface RouteMatch {
  /** Index into the routes given to compileRouteMatcher. */
  index: number;
  /** Parameter values as in the canonical path (escapes other than unreserved characters kept), in pattern order. */
  params: string[];
}

export interface RouteMatcher {
  match(path: string): RouteMatch | null;
  /** Parameter names per route, in pattern order. */
  readonly paramNames: readonly (readonly string[])[];
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LITERAL = /^[A-Za-z0-9\-._~!$&'()+,;=:@%]*$/;

/** Throws an Error naming the route when a pattern is malformed; call once at start-up. */
export function compileRouteMatcher(routes: readonly RoutePattern[]): RouteMatcher {
  const alternatives: string[] = [];
  const markers: number[] = [];
  const paramNames: string[][] = [];
  let group = 1;
  for (const route of routes) {
    const fail = (why: string): never => {
      throw new Error(`route "${route.name}": pattern "${route.pattern}" ${why}`);
    };
    if (!route.pattern.startsWith('/')) fail('must start with "/"');
    const segments = route.pattern.slice(1).split('/');
    const names: string[] = [];
    let source = '';
    segments.forEach((segment, i) => {
      if (segment === '*') {
        if (i !== segments.length - 1) fail('may only end with "*"');
        source += '(?:/.*)?';
        return;
      }
      const param = PARAM.exec(segment);
      if (param?.[1]) {
        if (names.includes(param[1])) fail(`repeats the parameter {${param[1]}}`);
        names.push(param[1]);
        source += '/([^/]+)';
        return;
      }
      if (!LITERAL.test(segment)) fail(`has an invalid segment "${segment}"`);
      if (segment === '' && i !== segments.length - 1) fail('has an empty segment');
      source += `/${literalSource(segment)}`;
    });
    markers.push(group);
    group += 1 + names.length;
    // "/auth/login/" is "/auth/login" to most apps (Laravel trims it, FastAPI redirects): one trailing slash more
    // must not move a request to another route, or past the route's limits.
    if (!source.endsWith('(?:/.*)?') && !route.pattern.endsWith('/')) source += '/?';
    alternatives.push(`()${source}`);
    paramNames.push(names);
  }
  const regex = alternatives.length === 0 ? null : new RegExp(`^(?:${alternatives.join('|')})$`);

  return {
    paramNames,
    match(path: string): RouteMatch | null {
      if (regex === null) return null;
      const m = regex.exec(path);
      if (m === null) return null;
      for (let index = 0; index < markers.length; index++) {
        const marker = markers[index] ?? 0;
        if (m[marker] === undefined) continue;
        const count = paramNames[index]?.length ?? 0;
        const params: string[] = new Array<string>(count);
        for (let k = 0; k < count; k++) params[k] = m[marker + 1 + k] ?? '';
        return { index, params };
      }
      return null;
    },
  };
}

/**
 * A literal segment as a regex over canonical paths: unreserved characters as they are (the canonical form decodes
 * them), every other one also in its escaped form (the canonical form keeps "%3A" for ":" and the app decodes it).
 */
function literalSource(segment: string): string {
  let out = '';
  for (const c of segment) {
    if (/[A-Za-z0-9\-._~]/.test(c)) out += c === '.' ? '\\.' : c;
    else {
      const escaped = c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out += `(?:${escaped}|%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')})`;
    }
  }
  return out;
}
