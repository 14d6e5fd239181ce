// The built app in headless Chromium against a real `lifeboat serve`: the first-run onboarding, the shell, its
// navigation, settings that persist in the engine's catalog, and the token requirement, as a user meets them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { startServe, type ServeProcess } from '../support/headless.js';
import { makeTempDir } from '../support/temp.js';

describe('app shell in Chromium', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  const pageErrors: string[] = [];

  async function openApp(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(url);
    return page;
  }

  beforeAll(async () => {
    temp = makeTempDir('e2e-shell');
    serve = await startServe(temp.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
    await serve?.stop();
    temp?.remove();
  });

  it('opens a fresh install on the onboarding, creates the repository, skips the cluster, then navigates every view', async () => {
    const page = await openApp(serve.url);
    await page.getByRole('heading', { level: 1, name: 'Set up Lifeboat' }).waitFor();
    expect(page.url()).not.toContain('token=');
    // No navigation until the setup is done; the proposed folder is in the home folder of the user running serve.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    const folder = page.getByLabel('Repository folder');
    expect(await folder.inputValue()).toMatch(/Lifeboat Backups$/);
    const repository = join(temp.dir, 'backups', 'lifeboat');
    await folder.fill(repository);
    await page.getByText('This folder does not exist yet. It will be created, with a new repository in it.').waitFor();
    await page.getByText(/ free of /).waitFor();
    await page.screenshot({ path: screenshotPath('onboarding-repository') });
    await page.getByRole('button', { name: 'Create repository' }).click();
    await page.getByRole('heading', { level: 2, name: 'Add your first cluster' }).waitFor();
    expect(existsSync(join(repository, 'lifeboat-repo.json'))).toBe(true);
    await page.screenshot({ path: screenshotPath('onboarding-cluster') });
    await page.getByRole('button', { name: 'Skip for now' }).click();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.isVisible()).toBe(true);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByText('No clusters yet').waitFor();
    await page.getByText(repository, { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('shell-dashboard') });

    for (const [link, heading, shot] of [
      ['Clusters', 'Clusters', 'shell-clusters'],
      ['Jobs', 'Jobs', 'shell-jobs'],
      ['Restore points', 'Restore points', 'shell-restore-points'],
      ['Settings', 'Settings', 'shell-settings'],
    ] as const) {
      await nav.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await nav.getByRole('link', { name: link }).getAttribute('aria-current')).toBe('page');
      await page.screenshot({ path: screenshotPath(shot) });
    }
    await page.getByText('No jobs yet').count();
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('keeps a theme chosen in Settings across a reload, and shows the engine facts', async () => {
    const page = await openApp(serve.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const theme = page.getByLabel('Theme');
    await theme.selectOption('dark');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await expect.poll(() => page.getByText(/Theme set to/).count()).toBeGreaterThan(0);
    // The data folder (the repository made at the first run is in it too).
    await page.getByText(temp.dir, { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('shell-settings-dark') });

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows a clear screen, not the app, when opened without the token', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${serve.port}/`);
    await page.getByText(/without its access token/).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('shell-missing-token') });
    await page.close();
  });
});
