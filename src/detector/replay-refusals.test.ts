import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayFiles } from './replay.js';
import { seedPlaybook, T0 } from './testing/events.js';
import { clfTime } from './testing/log-lines.js';

/*
 * Issue 10: "A burst refused by nginx's own limit_req with its default status 503 was read as a SEV-1 wide
 * outage of the app." nginx writes "-" as the upstream time of a request it answered itself; such a 503 is a
 * refusal (decision rate-limited), and the seeds' outage rules count only what the app failed.
 */
describe('a limit_req burst answered 503 by nginx itself', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function replayBurst(upstream: (i: number) => string) {
    dir = await mkdtemp(join(tmpdir(), 'rampart-refusals-'));
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const time = T0 + i * 100;
      // One client hammering the event API: 10 % served, the rest refused by limit_req (503, no upstream asked).
      const served = i % 10 === 0;
      const status = served ? 200 : 503;
      const u = served ? '0.010' : upstream(i);
      lines.push(
        `198.51.100.9 - - [${clfTime(time)}] "GET /api/v1/events/abcd1234efgh5678/photos HTTP/1.1" ${status} 10 "-" "bot" 0.000 ${u}`,
      );
    }
    const file = join(dir, 'access.log');
    await writeFile(file, `${lines.join('\n')}\n`);
    return replayFiles([`${file}:nginx`], {
      playbook: await seedPlaybook('fotospiel-public-api.yaml'),
      tokenKey: 'k',
    });
  }

  it('is not a SEV-1 wide outage', async () => {
    const result = await replayBurst(() => '-');
    expect(result.events).toBe(400);
    expect(result.signals.filter((s) => s.rule === 'error-spike')).toEqual([]);
  });

  it('while the same share of 503s from the app is one', async () => {
    const result = await replayBurst(() => '0.002');
    expect(result.signals.filter((s) => s.rule === 'error-spike' && s.kind === 'fired')).toHaveLength(1);
  });
});
