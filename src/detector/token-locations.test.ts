import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlaybookError, parsePlaybook } from '../playbook/index.js';
import type { Playbook } from '../playbook/index.js';
import { hashToken } from '../shared/secrets.js';
import { replayFiles } from './replay.js';
import { nginxLine } from './testing/log-lines.js';
import { T0 } from './testing/events.js';

const KEY = 'token-locations-key-0123';

/** A logs-only playbook (no gateway section): nginx in front of the app, tokens said once in service.tokens. */
function playbook(tokens: string): Playbook {
  const result = parsePlaybook(
    `rampart: 1
service:
  name: guest-api
  title: Guest API behind nginx
  upstream: { url: "http://127.0.0.1:8081" }
  routes:
    - { name: event-api, pattern: "/api/v1/events/{token}/*" }
    - { name: signed-download, pattern: "/api/v1/downloads/*" }
  tokens:
${tokens}
severity: { scale: [{ name: SEV-1, rank: 1 }], default: SEV-1 }
checklist: { phases: [{ name: First, time_box: 15m, steps: [{ id: a, title: A }] }] }
detection:
  sources: [{ kind: log, name: access, path: access.log, format: nginx }]
  rules:
    - name: busy-token
      source: access
      group_by: [token]
      trigger: { type: threshold, count: 5, window: 1m }
`,
    'guest.yaml',
  );
  if (!result.ok) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
  return result.playbook;
}

const line = (i: number, uri: string) =>
  nginxLine({ time: T0 + i * 1000, ip: `198.51.100.${i + 1}`, method: 'GET', uri, status: 200, bytes: 10, userAgent: 'guest', requestTime: 0.01 });

describe('token locations declared once in service.tokens', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function replay(p: Playbook, uris: string[]) {
    dir = await mkdtemp(join(tmpdir(), 'rampart-tokens-'));
    const file = join(dir, 'access.log');
    await writeFile(file, `${uris.map((u, i) => line(i, u)).join('\n')}\n`);
    return replayFiles([file], { playbook: p, tokenKey: KEY });
  }

  it('finds path tokens in logged requests without a gateway section, hashed as the gateway hashes them', async () => {
    const result = await replay(
      playbook('    - { name: join-token, in: path, routes: [event-api] }'),
      Array.from({ length: 6 }, () => '/api/v1/events/wedding-token-123456/photos'),
    );
    expect(result.signals.map((s) => [s.rule, s.groupKey])).toEqual([
      ['busy-token', hashToken('wedding-token-123456', KEY)],
    ]);
    expect(JSON.stringify(result.signals)).not.toContain('wedding-token-123456');
  });

  it('reads the query parameter the service declares, and no other', async () => {
    const declared = await replay(
      playbook('    - { name: link, in: query, param: k, routes: [signed-download] }'),
      [
        ...Array.from({ length: 6 }, (_, i) => `/api/v1/downloads/${i}.jpg?k=leaked-link-token&sig=ab`),
        // "token" is not where this service keeps its tokens: not grouped.
        ...Array.from({ length: 6 }, (_, i) => `/api/v1/downloads/${i}.jpg?token=something-else`),
      ],
    );
    expect(declared.signals.map((s) => s.groupKey)).toEqual([hashToken('leaked-link-token', KEY)]);
  });
});
