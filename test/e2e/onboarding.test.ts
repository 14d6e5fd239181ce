// The first run as a keyboard and screen reader user meets it, in the built app in Chromium against a real
// `lifeboat serve` on an empty data folder (no lab needed): axe-core finds no serious or critical problem on the
// onboarding's steps in the light and the dark theme (a refused folder included), and the keyboard alone goes from
// the page's load through both steps to the dashboard, focus following each step.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { startServe, type ServeProcess } from '../support/headless.js';
import { makeTempDir } from '../support/temp.js';

const THEMES = ['light', 'dark'] as const;

interface Focused {
  tag: string;
  name: string;
}

describe('first-run onboarding in Chromium', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  const serves: ServeProcess[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    temp = makeTempDir('e2e-onboarding');
    chromium = await launchChromium();
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
    for (const serve of serves) await serve.stop();
    temp?.remove();
  });

  /** A fresh install: `lifeboat serve` on a data folder of its own, and a tab on it in the given colour scheme. */
  async function freshApp(name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const serve = await startServe(join(temp.dir, `data-${name}`));
    serves.push(serve);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(serve.url);
    await page.getByRole('heading', { level: 1, name: 'Set up Lifeboat' }).waitFor();
    return page;
  }

  const focused = (page: Page): Promise<Focused> =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return { tag: element?.tagName.toLowerCase() ?? '', name: element?.getAttribute('aria-label') ?? element?.textContent?.trim() ?? '' };
    });

  async function tabTo(page: Page, what: string, wanted: (element: Focused) => boolean, limit = 30): Promise<void> {
    const path: string[] = [];
    for (let presses = 0; presses < limit; presses++) {
      await page.keyboard.press('Tab');
      const element = await focused(page);
      path.push(`${element.tag}"${element.name}"`);
      if (wanted(element)) return;
    }
    throw new Error(`Tab never reached ${what}; it went through: ${path.join(' → ')}`);
  }

  for (const theme of THEMES) {
    it(`has no serious or critical axe violation on either step, a refused folder included, in the ${theme} theme`, async () => {
      const page = await freshApp(`axe-${theme}`, theme);
      const folder = page.getByLabel('Repository folder');
      const problems: string[] = [];

      writeFileSync(join(temp.dir, `disk-${theme}.img`), 'not a folder');
      await folder.fill(join(temp.dir, `disk-${theme}.img`, 'repository'));
      await page.getByText('Lifeboat cannot write here.').waitFor();
      expect(await page.getByRole('button', { name: 'Create repository' }).getAttribute('aria-disabled')).toBe('true');
      problems.push(...(await seriousViolations(page)).map((line) => `refused folder: ${line}`));
      await page.screenshot({ path: screenshotPath(`onboarding-${theme}-refused`) });

      await folder.fill(join(temp.dir, `repository-${theme}`));
      await page.getByText('This folder does not exist yet. It will be created, with a new repository in it.').waitFor();
      problems.push(...(await seriousViolations(page)).map((line) => `repository step: ${line}`));
      await page.getByRole('button', { name: 'Create repository' }).click();
      await page.getByRole('heading', { level: 2, name: 'Add your first cluster' }).waitFor();
      problems.push(...(await seriousViolations(page)).map((line) => `cluster step: ${line}`));
      await page.screenshot({ path: screenshotPath(`onboarding-${theme}-cluster`) });

      expect(problems).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.close();
    });
  }

  it('goes from the page load through both steps to the dashboard with the keyboard alone', async () => {
    const page = await freshApp('keyboard');
    const repository = join(temp.dir, 'keyboard', 'repository');
    await tabTo(page, 'the folder field', (element) => element.tag === 'input');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(repository);
    await page.getByText('This folder does not exist yet. It will be created, with a new repository in it.').waitFor();
    // Enter in the field does what the button says.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Add your first cluster' }).waitFor();
    await expect.poll(async () => (await focused(page)).name).toBe('Add your first cluster');

    await tabTo(page, '"Add cluster…"', (element) => element.tag === 'button' && element.name === 'Add cluster…');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add cluster' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await tabTo(page, '"Skip for now"', (element) => element.tag === 'button' && element.name === 'Skip for now');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // Focus moves on to the dashboard's heading, and the navigation is there now.
    await expect.poll(async () => await focused(page)).toEqual({ tag: 'h1', name: 'Dashboard' });
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByText(repository, { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
