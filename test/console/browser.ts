import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it when missing. */
export const CHROMIUM = process.env.RAMPART_CHROMIUM ?? '/usr/bin/chromium';

export interface HeadlessBrowser {
  browser: Browser;
  /** A fresh context (its own cookies), at a desktop size unless told otherwise. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Headless Chromium driven by playwright-core, with nothing that phones home: the tests talk to 127.0.0.1 only.
 * Every launch gets a fresh, temporary user-data-dir from playwright itself (it refuses --user-data-dir in
 * launch()), removed when the browser closes.
 */
export async function launchBrowser(): Promise<HeadlessBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    context: (viewport = { width: 1280, height: 800 }) => browser.newContext({ viewport }),
    async close() {
      await browser.close();
    },
  };
}
