/**
 * Screenshots of the console's main pages for docs/console/, at 1280×800 and at a phone's 390×844, from a real
 * run: `rampart demo` on free ports, two drills for something to show, headless Chromium.
 *
 *   npm run build && npm run screenshots
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startConsoleApp } from './console-app.js';

const OUT = resolve('docs/console');
const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

async function settle(page: Page, ready: string): Promise<void> {
  await page.locator(`[data-ready=${ready}]`).waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(500);
}

const rampart = await startConsoleApp();
const browser = await launchBrowser();
try {
  const enumeration = await rampart.drill('token-enumeration');
  await rampart.drill('credential-stuffing');
  const id = enumeration.incident?.id ?? 'INC-1';
  mkdirSync(OUT, { recursive: true });
  for (const [name, viewport] of SIZES) {
    const context = await browser.context(viewport);
    const page = await context.newPage();
    await page.goto(`${rampart.url}/`);
    await page.screenshot({ path: join(OUT, `sign-in-${name}.png`) });
    await page.getByLabel('API key').fill(rampart.keys.responder);
    await page.keyboard.press('Enter');
    for (const [file, path, ready] of [
      ['overview', '/', 'overview'],
      ['incident', `/incidents/${id}`, 'incident'],
      ['traffic', '/traffic', 'traffic'],
      ['monitors', '/monitors', 'monitors'],
      ['playbooks', '/playbooks', 'playbooks'],
    ] as const) {
      await page.goto(`${rampart.url}${path}`);
      await settle(page, ready);
      await page.screenshot({ path: join(OUT, `${file}-${name}.png`) });
      console.log(`docs/console/${file}-${name}.png`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await rampart.close();
}
