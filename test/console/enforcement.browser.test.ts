import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import type { Mitigation } from '../../src/domain/mitigation.js';
import { CHROMIUM, launchBrowser, type HeadlessBrowser } from './browser.js';
import { startConsoleApp, type ConsoleApp } from './console-app.js';

const haveChromium = existsSync(CHROMIUM);
const WAIT = { timeout: 30_000 };

/**
 * A responder can tell from the console whether a block holds: one block the running gateway enforces, and one
 * on a service fronted only by a CrowdSec bouncer that has not pulled for 95 s, written to the store as the
 * decisions route would have left it.
 */
describe.skipIf(!haveChromium && process.env.CI !== 'true')(
  'where the console says a mitigation holds',
  () => {
    let rampart: ConsoleApp;
    let browser: HeadlessBrowser;

    beforeAll(async () => {
      rampart = await startConsoleApp();
      browser = await launchBrowser();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await rampart?.close();
    });

    async function post<T>(path: string, body: unknown): Promise<T> {
      const res = await fetch(`${rampart.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rampart.keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
      return (await res.json()) as T;
    }

    it('names the gateway that enforces one block, and says the other is not enforced, naming the stale bouncer', async () => {
      const { store, clock } = rampart.app.desk;
      const incident = await post<Incident>('/v1/incidents', {
        service: 'guest-api',
        title: 'Scraping from two networks',
      });
      const held = await post<Mitigation>('/v1/mitigations', {
        service: 'guest-api',
        kind: 'block',
        target: '198.51.100.0/24',
        reason: 'scraping',
        forMs: 3_600_000,
        incidentId: incident.id,
      });
      // The guest-api gateway picks the block up and acknowledges it.
      for (let i = 0; i < 150; i++) {
        const records = await store.enforcement.list([held.id]);
        if (records.some((r) => r.pointKind === 'gateway' && r.state === 'enforcing')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // A service no Rampart gateway fronts: only the bouncer edge-nginx had it, last heard 95 s ago.
      const now = clock.now().getTime();
      const unheld = await store.mitigations.create({
        id: 'mit-edge0001',
        service: 'edge-api',
        kind: 'block',
        target: '192.0.2.0/24',
        reason: 'scraping',
        author: 'web:rosa',
        incidentId: incident.id,
        createdAt: new Date(now - 120_000).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
        liftedAt: null,
        liftedBy: null,
        data: {},
      });
      await store.enforcement.acknowledge({
        mitigationId: unheld.id,
        pointKind: 'bouncer',
        pointName: 'edge-nginx',
        at: new Date(now - 95_000).toISOString(),
      });

      const context = await browser.context();
      const page = await context.newPage();
      await page.goto(`${rampart.url}/`);
      await page.getByLabel('API key').fill(rampart.keys.viewer);
      await page.keyboard.press('Enter');
      await page.locator('[data-ready=overview]').waitFor(WAIT);

      // The overview's mitigations in force say it too.
      const inForce = (target: string) =>
        page.locator('section[aria-labelledby=in-force-title] li', { hasText: target });
      await inForce(held.target).waitFor(WAIT);
      expect(await inForce(held.target).innerText()).toMatch(/enforced by gateway guest-api@\S+/);
      expect(await inForce(unheld.target).innerText()).toMatch(
        /recorded but not enforced[\s\S]*bouncer edge-nginx: stale, last heard 1m \d+s ago/,
      );

      await page.goto(`${rampart.url}/incidents/${incident.id}`);
      await page.locator('[data-ready=incident]').waitFor(WAIT);
      const row = (id: string) => page.locator(`tr[data-mitigation="${id}"]`);
      const heldText = await row(held.id).innerText();
      expect(heldText).toMatch(/enforced by gateway guest-api@\S+/);
      expect(heldText).not.toContain('not enforced');
      const unheldText = await row(unheld.id).innerText();
      expect(unheldText).toContain('recorded but not enforced');
      expect(unheldText).toMatch(/bouncer edge-nginx: stale, last heard 1m \d+s ago/);
      expect(unheldText).not.toContain('enforced by');
      await context.close();
    }, 120_000);
  },
);
