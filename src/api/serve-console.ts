import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The console's client-side pages: each answers the same index.html, so a deep link from Slack just works. */
export const CONSOLE_PAGES = [
  '/',
  '/sign-in',
  '/incidents',
  '/incidents/:id',
  '/traffic',
  '/monitors',
  '/playbooks',
  '/audit',
];

/** dist/web of this package, from src/api (tests) and dist/api (the built CLI) alike. */
export function defaultConsoleDir(): string {
  return fileURLToPath(new URL('../../dist/web/', import.meta.url));
}

/**
 * The page may load scripts, styles, data and images from this origin only, and no other page may frame it: a
 * note or a log line rendered on the page can never pull in code from elsewhere.
 */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

const NOT_BUILT =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rampart</title></head><body>' +
  '<h1>Rampart</h1><p>The console is not built in this checkout: run <code>npm run build</code>. ' +
  'The API is at <a href="/openapi.json">/openapi.json</a>.</p></body></html>';

/** Serves the built console (web/ → dist/web) from the API process; nothing comes from a CDN. */
export function serveConsole(app: FastifyInstance, dir: string): void {
  const indexFile = join(dir, 'index.html');
  const built = existsSync(indexFile);
  const html = built ? readFileSync(indexFile, 'utf8') : NOT_BUILT;
  const sendIndex = (reply: FastifyReply) =>
    reply.headers(HTML_HEADERS).type('text/html; charset=utf-8').send(html);
  for (const url of CONSOLE_PAGES) app.get(url, (_request, reply) => sendIndex(reply));
  if (!built) return;
  // Vite names every asset by its content hash, so a browser may keep it for good.
  void app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    list: false,
    setHeaders: (res) => {
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  const favicon = join(dir, 'favicon.svg');
  if (existsSync(favicon)) {
    const svg = readFileSync(favicon);
    app.get('/favicon.svg', (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(svg),
    );
  }
}
