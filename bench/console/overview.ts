/**
 * How long the console's overview takes to render with a large store: 10,000 incidents (1,000 of them open, each
 * with its checklist) and 100,000 timeline entries, against the same page on an empty store in the same run.
 * Headless Chromium (Debian's), a fresh page per load, timed from navigation to the open-incidents table drawn.
 *
 *   npm run build && npm run bench:console -- [--incidents 10000] [--entries 100000] [--loads 7] [--engine sqlite|postgres]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../../src/access/create-api-key.js';
import { buildApi } from '../../src/api/build-api.js';
import { LiveFeed } from '../../src/api/live/live-feed.js';
import { catalogOf, deskEventBus } from '../../src/desk/index.js';
import { testPolicy } from '../../src/desk/testing/test-policy.js';
import { planChecklist } from '../../src/domain/checklist.js';
import { emptyScope } from '../../src/domain/scope.js';
import { TIMELINE_KINDS } from '../../src/domain/timeline.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import { launchBrowser, type HeadlessBrowser } from '../../test/console/browser.js';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '10000' },
    entries: { type: 'string', default: '100000' },
    loads: { type: 'string', default: '7' },
    engine: { type: 'string', default: 'sqlite' },
    /** Keep (or reuse) the large SQLite store at this path, so repeated runs skip the seeding. */
    'keep-db': { type: 'string' },
  },
});
const INCIDENTS = Number(values.incidents);
const ENTRIES = Number(values.entries);
const LOADS = Number(values.loads);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function seed(store: Store, incidents: number, entries: number): Promise<void> {
  const started = Date.now() - incidents * 60_000;
  const perIncident = Math.max(1, Math.floor(entries / Math.max(1, incidents)));
  const BATCH = 250;
  for (let i = 0; i < incidents; i += BATCH) {
    await store.transaction(async (tx) => {
      for (let k = i; k < Math.min(i + BATCH, incidents); k++) {
        const open = k % 10 === 0;
        const createdAt = new Date(started + k * 60_000).toISOString();
        const rank = 1 + (k % 3);
        const incident = await tx.incidents.create({
          title: `Seeded incident ${k}`,
          service: 'guest-api',
          severity: `SEV-${rank}`,
          severityRank: rank,
          status: open ? 'triggered' : 'closed',
          fingerprint: `seed:${k}`,
          type: 'brute-force',
          commander: null,
          scope: emptyScope(),
          createdAt,
        });
        await tx.checklist.insertMany(planChecklist(incident.id, new Date(createdAt), testPolicy.checklist));
        for (let e = 0; e < perIncident; e++) {
          await tx.timeline.append({
            incidentId: incident.id,
            at: createdAt,
            actor: e % 4 === 0 ? 'cli:alice' : 'detector',
            kind: TIMELINE_KINDS[e % TIMELINE_KINDS.length] ?? 'note',
            summary: `entry ${e} of incident ${k}`,
            data: { n: e },
          });
        }
      }
    });
  }
}

async function measure(label: string, incidents: number, entries: number, browser: HeadlessBrowser) {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-console-'));
  const kept =
    values['keep-db'] !== undefined && incidents > 0 && values.engine !== 'postgres'
      ? values['keep-db']
      : undefined;
  const reuse = kept !== undefined && existsSync(kept);
  const url =
    values.engine === 'postgres'
      ? `${process.env.RAMPART_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'}?schema=bench_console_${process.pid}_${incidents}`
      : `sqlite:${kept ?? join(dir, 'rampart.db')}`;
  const store = await openStore(url, { cwd: dir });
  const t0 = performance.now();
  if (!reuse) await seed(store, incidents, entries);
  const seeded = performance.now() - t0;
  const { secret } = await createApiKey(
    { store, clock: systemClock, actor: 'bench' },
    { name: 'bench', role: 'viewer' },
  );
  const events = deskEventBus();
  const live = new LiveFeed({ store });
  const app = buildApi({
    store,
    clock: systemClock,
    services: catalogOf([testPolicy]),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    version: 'bench',
    events,
    live,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const api: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    const res = await fetch(`${base}/v1/overview`, { headers: { authorization: `Bearer ${secret}` } });
    await res.arrayBuffer();
    api.push(performance.now() - s);
  }
  const context = await browser.context();
  const signIn = await context.newPage();
  await signIn.goto(`${base}/`);
  await signIn.getByLabel('API key').fill(secret);
  await signIn.keyboard.press('Enter');
  await signIn.locator('[data-ready=overview]').waitFor({ timeout: 60_000 });
  await signIn.close();
  const loads: number[] = [];
  const answers: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await context.newPage();
    const s = performance.now();
    const answered = page
      .waitForResponse((r) => r.url().includes('/v1/overview'), { timeout: 60_000 })
      .then(async (r) => {
        await r.finished();
        answers.push(performance.now() - s);
      });
    await page.goto(`${base}/`);
    // Drawn: the table of open incidents (or the line saying there are none), from the overview's one answer.
    await page.locator('[data-ready=overview] #open-title').waitFor({ timeout: 60_000 });
    loads.push(performance.now() - s);
    await answered;
    await page.close();
  }
  await context.close();
  live.close();
  await app.close();
  if (values.engine === 'postgres') {
    const { Client } = await import('pg');
    const client = new Client({
      connectionString: process.env.RAMPART_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    });
    await client.connect();
    await store.close();
    await client.query(`drop schema if exists bench_console_${process.pid}_${incidents} cascade`);
    await client.end();
  } else {
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    label,
    incidents,
    entries,
    seededS: seeded / 1000,
    apiP50: median(api),
    renderP50: median(loads),
    loads,
    answers,
  };
}

const browser = await launchBrowser();
try {
  const empty = await measure('empty store', 0, 0, browser);
  const full = await measure(`${INCIDENTS} incidents, ${ENTRIES} entries`, INCIDENTS, ENTRIES, browser);
  console.log(`engine ${values.engine}, ${LOADS} loads each, medians`);
  console.log('| store | GET /v1/overview p50 ms | overview rendered p50 ms | seeded in s |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of [empty, full]) {
    console.log(
      `| ${r.label} | ${r.apiP50.toFixed(1)} | ${r.renderP50.toFixed(0)} | ${r.seededS.toFixed(1)} |`,
    );
  }
  console.log(
    `ratio (large / empty): API ×${(full.apiP50 / empty.apiP50).toFixed(2)}, render ×${(full.renderP50 / empty.renderP50).toFixed(2)}`,
  );
  console.log(
    `overview answered in the page (ms since navigation): empty ${empty.answers.map((x) => x.toFixed(0)).join(', ')}; large ${full.answers.map((x) => x.toFixed(0)).join(', ')}`,
  );
  console.log(
    `render samples ms: empty ${empty.loads.map((x) => x.toFixed(0)).join(', ')}; large ${full.loads.map((x) => x.toFixed(0)).join(', ')}`,
  );
} finally {
  await browser.close();
}
