// Debian's Chromium driven by playwright-core (Playwright cannot download its own browsers here).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['LIFEBOAT_CHROMIUM'] ?? '/usr/bin/chromium';
/** Screenshots and other artefacts of the end-to-end tests (git-ignored). */
export const E2E_OUTPUT_DIR = resolve('test-output', 'e2e');

export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package (.ci/run does), or set LIFEBOAT_CHROMIUM`);
  }
  // playwright-core's launch() gives every browser a fresh, throw-away user-data dir of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
  return join(E2E_OUTPUT_DIR, `${name}.png`);
}
